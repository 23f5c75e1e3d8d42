import { DEFAULT_CAPTURE_FILE } from "../adapters/capture.js";
import type { Context } from "../context.js";
import { type CaptureRecord, toDelivery } from "../core/capture-format.js";
import { scanJsonBody } from "../core/json-body.js";
import { jsonPrintable } from "../core/printable.js";
import type { Verdict } from "../core/verdict.js";
import { EXIT, usageError } from "../errors.js";
import { emit } from "../ui/json-lines.js";
import { answerText, bodyText, requestText } from "../ui/show-text.js";
import { colourFor } from "../ui/style.js";
import { formatVerdict } from "../ui/verdict-text.js";
import { captureRecords } from "./capture-source.js";

export interface ShowFlags {
  readonly capture?: string;
  readonly raw?: boolean;
  readonly json?: boolean;
}

/** Deeper bodies are shown as text: re-indenting them would recurse (JSON.stringify). */
const MAX_PRETTY_DEPTH = 200;

/**
 * `whtool show ID`: one captured delivery as it arrived — method, path, every header in order, the
 * body (pretty when JSON), the verdict recorded and what was answered; `--raw` writes the exact
 * body bytes to stdout and nothing else.
 */
export async function showCommand(id: string, flags: ShowFlags, ctx: Context): Promise<number> {
  const file = flags.capture ?? DEFAULT_CAPTURE_FILE;
  const { source, records } = await captureRecords(file, ctx, "give the capture file with --capture FILE");
  let found: CaptureRecord | undefined;
  const near: string[] = [];
  for await (const record of records) {
    if (record.id === id)
      found = record; // the last line with this id wins (a follow-up record)
    else if (record.id.startsWith(id)) near.push(record.id);
  }
  if (found === undefined && near.length === 1) found = await only(near[0] ?? "", file, ctx);
  if (found === undefined)
    throw usageError(
      `no delivery with id ${id} in ${source}`,
      near.length > 1
        ? `several ids start with ${id}: ${near.slice(0, 5).join(", ")}${near.length > 5 ? ", …" : ""}`
        : "whtool verify --json lists the ids; ids start with d_",
    );
  const delivery = toDelivery(found);
  if (flags.raw) {
    ctx.stdout.write(delivery.body);
    return EXIT.ok;
  }
  const json = scanJsonBody(delivery.body);
  const pretty =
    json.ok && json.scan.depth <= MAX_PRETTY_DEPTH ? JSON.stringify(json.value, null, 2) : undefined;
  // Older captures may lack fields added since (diagnosis): shown as empty, not a crash.
  const verdict = isVerdict(found.verdict)
    ? {
        ...found.verdict,
        diagnosis: found.verdict.diagnosis ?? [],
        deliveryHeaders: found.verdict.deliveryHeaders ?? {},
      }
    : undefined;
  if (flags.json) {
    emit(ctx, {
      type: "delivery",
      ...found,
      body: json.ok ? json.text : null,
      ...(pretty === undefined ? {} : { pretty: jsonPrintable(pretty) }),
    });
    return EXIT.ok;
  }
  const c = colourFor(ctx.stdout, ctx.env);
  const lines = [
    ...requestText(found, c),
    "",
    ...bodyText(delivery.body, pretty, c),
    "",
    ...answerText(found, c),
  ];
  ctx.stdout.write(`${lines.join("\n")}\n\n`);
  if (verdict)
    ctx.stdout.write(
      formatVerdict(verdict, { id: found.id, receivedAt: delivery.receivedAt, duplicateOf: null }, c),
    );
  else ctx.stdout.write(`${c.dim("(no verdict recorded)")}\n`);
  ctx.stderr.write(c.dim(`judge it again: whtool verify ${file} --id ${found.id}\n`));
  return EXIT.ok;
}

/** The one record whose id starts with what was typed (a prefix, as git takes one). */
async function only(id: string, file: string, ctx: Context): Promise<CaptureRecord | undefined> {
  let found: CaptureRecord | undefined;
  for await (const record of (await captureRecords(file, { ...ctx, stderr: { write: () => true } }, ""))
    .records)
    if (record.id === id) found = record;
  return found;
}

function isVerdict(value: unknown): value is Verdict {
  const v = value as Partial<Verdict> | null;
  return typeof v === "object" && v !== null && Array.isArray(v.checks) && typeof v.verified === "boolean";
}
