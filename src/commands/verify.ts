import { resolve } from "node:path";
import { readAll } from "../adapters/stdin.js";
import { readUserFile } from "../adapters/user-files.js";
import { doctorSetups } from "../config/credential-candidates.js";
import { type KeyFlags, verifyOptionsFor } from "../config/verify-options.js";
import type { Context } from "../context.js";
import { toDelivery } from "../core/capture-format.js";
import { type Delivery, type HeaderPair, parseHeaderLine } from "../core/delivery.js";
import { isProviderId, type ProviderId } from "../core/provider-id.js";
import { parseInstant } from "../core/time.js";
import { type Verdict, VerdictBuilder } from "../core/verdict.js";
import { configError, EXIT, usageError, WhtoolError } from "../errors.js";
import { detectProvider, newDedupeIndex, PROVIDERS } from "../providers/index.js";
import type { VerifyOptions } from "../providers/types.js";
import { batchedOutput } from "../ui/batched-output.js";
import { deliveryLine, emit } from "../ui/json-lines.js";
import { colourFor } from "../ui/style.js";
import { formatVerdict } from "../ui/verdict-text.js";
import { captureRecords } from "./capture-source.js";

export interface VerifyFlags extends KeyFlags {
  /** Captures: verify only this provider's deliveries. A hand-given --body: verify it as this provider. */
  readonly provider?: ProviderId;
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
  terminal: Context,
): Promise<number> {
  // One write per delivery was a third of a large verify's time: lines go out a batch at a time.
  const stdout = batchedOutput(terminal.stdout);
  try {
    return await verifyAll(file, flags, { ...terminal, stdout });
  } finally {
    stdout.flush();
  }
}

async function verifyAll(file: string | undefined, flags: VerifyFlags, ctx: Context): Promise<number> {
  const handGivenBody = flags.body !== undefined;
  const forced = handGivenBody ? flags.provider : undefined;
  const only = handGivenBody ? undefined : flags.provider;
  const at = flags.at === undefined ? undefined : parseInstant(flags.at, ctx.now());
  if (flags.at !== undefined && at === undefined)
    throw usageError(
      `--at ${flags.at}: not a time`,
      "use now, an ISO date-time such as 2026-11-23T10:00:00Z, or unix seconds",
    );

  const items = handGivenBody ? [await handGiven(flags, ctx)] : fromCapture(file, flags, ctx);
  const providerOf = (item: Item): ProviderId | undefined =>
    forced ??
    (item.recordedProvider !== null && isProviderId(item.recordedProvider)
      ? item.recordedProvider
      : undefined) ??
    detectProvider(item.delivery.headers);

  const setups = new SetupCache(flags, ctx);
  const colour = colourFor(ctx.stdout, ctx.env);
  const dedupe = newDedupeIndex();
  let total = 0;
  const doctor = doctorSetups(flags, ctx);
  let failed = 0;
  let unavailable = 0;
  let unconfigured = 0;
  const missingConfig = new Map<ProviderId, WhtoolError>();
  const skipped = { other: 0, unknown: 0 };
  // One record at a time, so a streaming reader's async iterable fits as well as an array.
  for await (const item of items) {
    const provider = providerOf(item);
    if (only !== undefined && provider !== only) {
      skipped[provider === undefined ? "unknown" : "other"]++;
      continue;
    }
    total++;
    const judged = await judge(item, provider, setups, at ?? item.defaultAt);
    if (judged.missingConfig && provider !== undefined) {
      unconfigured++;
      missingConfig.set(provider, judged.missingConfig);
    }
    let verdict = judged.verdict;
    if (!verdict.verified && provider !== undefined && !judged.missingConfig) {
      // The doctor is loaded for the first failure only: a run where all verify never pays for it.
      const { diagnose } = await import("../providers/doctor/index.js");
      const setup = setups.get(provider);
      verdict = {
        ...verdict,
        diagnosis: await diagnose(provider, item.delivery, verdict, {
          ...(await doctor(provider)),
          ...(setup instanceof WhtoolError || setup.keys === undefined ? {} : { keys: setup.keys }),
          at: at ?? item.defaultAt,
        }),
      };
    }
    const duplicateOf = dedupe.observe(item.delivery.id, verdict);
    if (!verdict.verified) failed++;
    if (verdict.reason === "jwks_unavailable") unavailable++;
    if (flags.json) emit(ctx, deliveryLine(item.delivery.id, verdict, duplicateOf));
    else
      ctx.stdout.write(
        formatVerdict(
          verdict,
          { id: item.delivery.id, receivedAt: item.delivery.receivedAt, duplicateOf },
          colour,
        ),
      );
  }
  if (only !== undefined) {
    const note = skippedNote(only, skipped);
    if (note !== undefined) ctx.stderr.write(`${note}\n`);
    if (total === 0)
      throw new WhtoolError(
        "empty",
        `no ${only} deliveries in the capture: nothing verified`,
        EXIT.failed,
        "leave out --provider to verify every delivery",
      );
  }
  if (!flags.json) {
    const summary = `${total} ${total === 1 ? "delivery" : "deliveries"}: ${total - failed} verified, ${failed} failed`;
    ctx.stdout.write(`\n${failed === 0 ? colour.green(summary) : colour.red(summary)}\n`);
  }
  if (unavailable > 0) return EXIT.network;
  // Nothing could be judged at all: say "configuration missing" (exit 3), naming what to set.
  if (total > 0 && unconfigured === total) throw combined([...missingConfig.values()]);
  return failed === 0 ? EXIT.ok : EXIT.failed;
}

/**
 * Each provider's setup, resolved the first time one of its deliveries comes up. A configuration
 * error (no secret, no trusted issuers) is kept and becomes that provider's deliveries' verdicts,
 * so one provider's missing setup never stops the others from being verified.
 */
class SetupCache {
  readonly #setups = new Map<ProviderId, Omit<VerifyOptions, "at"> | WhtoolError>();
  constructor(
    private readonly flags: VerifyFlags,
    private readonly ctx: Context,
  ) {}

  get(provider: ProviderId): Omit<VerifyOptions, "at"> | WhtoolError {
    let setup = this.#setups.get(provider);
    if (setup === undefined) {
      try {
        setup = verifyOptionsFor(provider, this.flags, this.ctx);
      } catch (error) {
        // Misuse (an unreadable --jwks-file…) still stops the command; only missing configuration is per delivery.
        if (!(error instanceof WhtoolError) || error.exitCode !== EXIT.config) throw error;
        setup = error;
      }
      this.#setups.set(provider, setup);
    }
    return setup;
  }
}

/** One delivery's verdict; whatever goes wrong while verifying it stays in its verdict. */
async function judge(
  item: Item,
  provider: ProviderId | undefined,
  setups: SetupCache,
  at: Date,
): Promise<{ verdict: Verdict; missingConfig?: WhtoolError }> {
  if (provider === undefined) return { verdict: unknownProvider() };
  const setup = setups.get(provider);
  if (setup instanceof WhtoolError) {
    const detail = setup.hint === undefined ? setup.message : `${setup.message}: ${setup.hint}`;
    return {
      verdict: new VerdictBuilder(provider).fail("configuration", "no_secret", detail),
      missingConfig: setup,
    };
  }
  try {
    return { verdict: await PROVIDERS[provider].verify(item.delivery, { ...setup, at }) };
  } catch (error) {
    return {
      verdict: new VerdictBuilder(provider).fail(
        "verify",
        "malformed_body",
        `verification crashed: ${error instanceof Error ? error.message : String(error)}`,
      ),
    };
  }
}

/** One configuration error naming everything missing (several providers may lack a secret). */
function combined(errors: readonly WhtoolError[]): WhtoolError {
  const [first, ...rest] = errors;
  if (first === undefined || rest.length === 0) return first ?? configError("configuration missing");
  const hints = errors.flatMap((e) => (e.hint === undefined ? [] : [e.hint]));
  return configError(
    errors.map((e) => e.message).join("; "),
    hints.length > 0 ? hints.join("; ") : undefined,
  );
}

/** What --provider left out of a capture, said on stderr so the results on stdout stay the filtered ones. */
function skippedNote(only: ProviderId, skipped: { other: number; unknown: number }): string | undefined {
  const parts = [
    ...(skipped.other > 0 ? [`${skipped.other} from other providers`] : []),
    ...(skipped.unknown > 0 ? [`${skipped.unknown} from no provider whtool recognises`] : []),
  ];
  if (parts.length === 0) return undefined;
  return `skipped ${parts.join(" and ")} (--provider ${only})`;
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
    body = path === "-" ? await readAll(ctx.stdin) : await readUserFile(resolve(ctx.cwd, path));
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

/** The capture's records one at a time (all of them, or the one named by --id). */
async function* fromCapture(
  file: string | undefined,
  flags: VerifyFlags,
  ctx: Context,
): AsyncGenerator<Item> {
  const found = await captureRecords(
    file,
    ctx,
    "give a capture file, - to read one from stdin, or --body FILE -H 'Name: value' for a hand-given delivery",
  );
  let seen = 0;
  let picked = 0;
  // Streamed: one record in memory at a time, whatever the file's size.
  for await (const record of found.records) {
    seen++;
    if (flags.id !== undefined && record.id !== flags.id) continue;
    picked++;
    const delivery = toDelivery(record);
    yield { delivery, recordedProvider: record.provider, defaultAt: delivery.receivedAt };
  }
  if (seen === 0 && found.skipped() > 0)
    throw usageError(
      `${found.source} is not a capture file: none of its ${found.skipped()} line(s) is a capture record`,
      "give a file written by whtool listen (one JSON capture record per line)",
    );
  if (seen === 0)
    throw new WhtoolError(
      "empty",
      `no deliveries in ${found.source}: nothing verified`,
      EXIT.failed,
      "capture some with whtool listen, or verify a hand-given one with --body FILE -H 'Name: value'",
    );
  if (picked === 0) throw usageError(`no delivery with id ${flags.id} in ${found.source}`);
}
