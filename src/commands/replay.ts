import { postRaw } from "../adapters/http-post.js";
import type { Context } from "../context.js";
import { type CaptureRecord, toDelivery } from "../core/capture-format.js";
import { answered2xx, firstLine } from "../core/post-result.js";
import { EXIT, networkError, usageError, WhtoolError } from "../errors.js";
import { hopByHopStripped } from "../listen/forward.js";
import { emit } from "../ui/json-lines.js";
import { formatReplayed, formatSkipped } from "../ui/replay-text.js";
import { colourFor } from "../ui/style.js";
import { captureRecords } from "./capture-source.js";
import { Resigner, type ResignFlags } from "./replay-resign.js";

export interface ReplayFlags extends ResignFlags {
  readonly to: string;
  /** Sign each delivery again with a fresh timestamp (see replay-resign.ts). */
  readonly resign?: boolean;
  readonly id?: readonly string[];
  readonly provider?: string;
  readonly json?: boolean;
}

/** Resends captured deliveries — exact bytes, headers in order — to a URL, one after another. */
export async function replayCommand(
  file: string | undefined,
  flags: ReplayFlags,
  ctx: Context,
): Promise<number> {
  const { source, records: all } = await captureRecords(
    file,
    ctx,
    "give a capture file written by whtool listen, or - for stdin",
  );
  const byProvider = (r: CaptureRecord) => flags.provider === undefined || r.provider === flags.provider;
  const records =
    flags.id && flags.id.length > 0
      ? (await picked(all, flags.id, source)).filter(byProvider)
      : filtered(all, byProvider);
  const c = colourFor(ctx.stdout, ctx.env);
  let failed = 0;
  let unanswered = 0;
  let considered = 0;
  const resigner = flags.resign ? new Resigner(flags, ctx) : undefined;
  try {
    for await (const record of records) {
      considered++;
      if (typeof record.oversizeBytes === "number") {
        ctx.stderr.write(formatSkipped(record, "its body was over the limit and not kept", c));
        continue;
      }
      if (record.refused !== undefined) {
        ctx.stderr.write(formatSkipped(record, "refused before it was read, nothing to resend", c));
        continue;
      }
      const delivery = toDelivery(record);
      const sent = resigner ? await resigner.resign(record, delivery) : delivery;
      const result = await postRaw(flags.to, hopByHopStripped(sent.headers), sent.body, {
        method: delivery.method,
      });
      const ok = answered2xx(result);
      if (!ok) failed++;
      if (result.status === null) unanswered++;
      if (flags.json)
        emit(ctx, {
          type: "replay",
          id: record.id,
          provider: record.provider,
          to: flags.to,
          status: result.status,
          error: result.error,
          durationMs: result.durationMs,
          firstLine: firstLine(result.body),
        });
      else ctx.stdout.write(formatReplayed(record, result, c));
    }
  } finally {
    await resigner?.close();
  }
  if (considered === 0)
    throw new WhtoolError(
      "empty",
      `nothing to replay from ${source}`,
      EXIT.failed,
      "capture deliveries with whtool listen first",
    );
  if (unanswered > 0 && unanswered === considered)
    throw networkError(`nothing answered at ${flags.to}`, "is the target running and listening there?");
  return failed === 0 ? EXIT.ok : EXIT.failed;
}

async function* filtered(
  records: AsyncIterable<CaptureRecord>,
  keep: (record: CaptureRecord) => boolean,
): AsyncGenerator<CaptureRecord> {
  for await (const record of records) if (keep(record)) yield record;
}

/**
 * --id: the named deliveries, in file order, gathered before anything is sent so an unknown id
 * stops the replay before it starts. Only the picked records are kept, never the whole file.
 */
async function picked(
  records: AsyncIterable<CaptureRecord>,
  ids: readonly string[],
  source: string,
): Promise<CaptureRecord[]> {
  const wanted = new Set(ids);
  const found: CaptureRecord[] = [];
  for await (const record of records) if (wanted.has(record.id)) found.push(record);
  const missing = ids.filter((id) => !found.some((r) => r.id === id));
  if (missing.length > 0) throw usageError(`no delivery with id ${missing.join(", ")} in ${source}`);
  return found;
}
