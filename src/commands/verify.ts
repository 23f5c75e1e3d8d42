import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { readAll } from "../adapters/stdin.js";
import { doctorSetups } from "../config/credential-candidates.js";
import { type KeyFlags, verifyOptionsFor } from "../config/verify-options.js";
import type { Context } from "../context.js";
import { toDelivery } from "../core/capture-format.js";
import { DedupeIndex } from "../core/dedupe.js";
import { type Delivery, type HeaderPair, parseHeaderLine } from "../core/delivery.js";
import { detectProvider } from "../core/detect.js";
import { isProviderId, type ProviderId } from "../core/provider-id.js";
import { parseInstant } from "../core/time.js";
import { type Verdict, VerdictBuilder } from "../core/verdict.js";
import { EXIT, usageError, WhtoolError } from "../errors.js";
import { diagnose } from "../providers/doctor/index.js";
import { PROVIDERS } from "../providers/index.js";
import type { VerifyOptions } from "../providers/types.js";
import { deliveryLine, emit } from "../ui/json-lines.js";
import { colourFor } from "../ui/style.js";
import { formatVerdict } from "../ui/verdict-text.js";
import { readCaptureSource } from "./capture-source.js";

export interface VerifyFlags extends KeyFlags {
  readonly provider?: string;
  readonly id?: string;
  readonly at?: string;
  readonly json?: boolean;
  readonly body?: string;
  readonly header?: readonly string[];
}

interface Item {
  readonly delivery: Delivery;
  readonly recordedProvider: string | null;
  /** Hand-given deliveries are judged now; captures as of their receipt. */
  readonly defaultAt: Date;
}

export async function verifyCommand(
  file: string | undefined,
  flags: VerifyFlags,
  ctx: Context,
): Promise<number> {
  const forced = parseProviderFlag(flags.provider);
  const at = flags.at === undefined ? undefined : parseInstant(flags.at, ctx.now());
  if (flags.at !== undefined && at === undefined)
    throw usageError(
      `--at ${flags.at}: not a time`,
      "use now, an ISO date-time such as 2026-11-23T10:00:00Z, or unix seconds",
    );

  const items =
    flags.body !== undefined ? [await handGiven(flags, ctx)] : await fromCapture(file, flags, ctx);

  // Resolve configuration once per provider present, before verifying anything (missing config = exit 3).
  const providerOf = (item: Item): ProviderId | undefined =>
    forced ??
    (item.recordedProvider !== null && isProviderId(item.recordedProvider)
      ? item.recordedProvider
      : undefined) ??
    detectProvider(item.delivery.headers);
  const setups = new Map<ProviderId, Omit<VerifyOptions, "at">>();
  for (const item of items) {
    const id = providerOf(item);
    if (id !== undefined && !setups.has(id)) setups.set(id, verifyOptionsFor(id, flags, ctx));
  }

  const colour = colourFor(ctx.stderr, ctx.env);
  const dedupe = new DedupeIndex();
  const doctor = doctorSetups(flags, ctx);
  let failed = 0;
  let unavailable = 0;
  for (const item of items) {
    const provider = providerOf(item);
    const setup = provider === undefined ? undefined : setups.get(provider);
    let verdict =
      provider === undefined || setup === undefined
        ? unknownProvider()
        : await PROVIDERS[provider].verify(item.delivery, { ...setup, at: at ?? item.defaultAt });
    if (!verdict.verified && provider !== undefined)
      verdict = {
        ...verdict,
        diagnosis: diagnose(provider, item.delivery, verdict, {
          ...(await doctor(provider)),
          at: at ?? item.defaultAt,
        }),
      };
    const duplicateOf = dedupe.observe(item.delivery.id, verdict);
    if (!verdict.verified) failed++;
    if (verdict.reason === "jwks_unavailable") unavailable++;
    if (flags.json) emit(ctx, deliveryLine(item.delivery.id, verdict, duplicateOf));
    else
      ctx.stderr.write(
        formatVerdict(
          verdict,
          { id: item.delivery.id, receivedAt: item.delivery.receivedAt, duplicateOf },
          colour,
        ),
      );
  }
  if (!flags.json) {
    const summary = `${items.length} ${items.length === 1 ? "delivery" : "deliveries"}: ${items.length - failed} verified, ${failed} failed`;
    ctx.stderr.write(`\n${failed === 0 ? colour.green(summary) : colour.red(summary)}\n`);
  }
  if (unavailable > 0) return EXIT.network;
  return failed === 0 ? EXIT.ok : EXIT.failed;
}

function parseProviderFlag(value: string | undefined): ProviderId | undefined {
  if (value === undefined) return undefined;
  if (!isProviderId(value))
    throw usageError(
      `--provider ${value}: unknown provider`,
      `use one of ${Object.keys(PROVIDERS).join(", ")}`,
    );
  return value;
}

function unknownProvider(): Verdict {
  return new VerdictBuilder(null).fail(
    "provider",
    "unknown_provider",
    "no provider signature header found; pass --provider to say which provider sent it",
  );
}

async function handGiven(flags: VerifyFlags, ctx: Context): Promise<Item> {
  const headers: HeaderPair[] = [];
  for (const line of flags.header ?? []) {
    const pair = parseHeaderLine(line);
    if (!pair) throw usageError(`-H ${JSON.stringify(line)}: not a "Name: value" header`);
    headers.push(pair);
  }
  const path = flags.body ?? "-";
  let body: Buffer;
  try {
    body = path === "-" ? await readAll(ctx.stdin) : await readFile(resolve(ctx.cwd, path));
  } catch (error) {
    throw usageError(`--body ${path}: ${(error as Error).message}`);
  }
  const now = ctx.now();
  return {
    delivery: { id: "hand-given", method: "POST", path: "/", headers, body, receivedAt: now },
    recordedProvider: null,
    defaultAt: now,
  };
}

async function fromCapture(file: string | undefined, flags: VerifyFlags, ctx: Context): Promise<Item[]> {
  const found = await readCaptureSource(
    file,
    ctx,
    "give a capture file, - to read one from stdin, or --body FILE -H 'Name: value' for a hand-given delivery",
  );
  let records = found.records;
  if (flags.id !== undefined) {
    records = records.filter((record) => record.id === flags.id);
    if (records.length === 0) throw usageError(`no delivery with id ${flags.id} in ${found.source}`);
  }
  if (records.length === 0)
    throw new WhtoolError(
      "empty",
      `no deliveries in ${found.source}: nothing verified`,
      EXIT.failed,
      "capture some with whtool listen, or verify a hand-given one with --body FILE -H 'Name: value'",
    );
  return records.map((record) => {
    const delivery = toDelivery(record);
    return { delivery, recordedProvider: record.provider, defaultAt: delivery.receivedAt };
  });
}
