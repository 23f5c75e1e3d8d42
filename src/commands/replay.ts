import { postRaw } from "../adapters/http-post.js";
import type { Context } from "../context.js";
import { type CaptureRecord, toDelivery } from "../core/capture-format.js";
import { EXIT, networkError, usageError, WhtoolError } from "../errors.js";
import { hopByHopStripped } from "../listen/session.js";
import { answered2xx } from "../ui/answer-text.js";
import { emit } from "../ui/json-lines.js";
import { formatReplayed, formatSkipped } from "../ui/replay-text.js";
import { colourFor } from "../ui/style.js";
import { readCaptureSource } from "./capture-source.js";

export interface ReplayFlags {
  readonly to: string;
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
  if (!/^https?:\/\/[^/]/.test(flags.to)) throw usageError(`--to ${flags.to}: give an http(s) URL`);
  const { source, records: all } = await readCaptureSource(
    file,
    ctx,
    "give a capture file written by whtool listen, or - for stdin",
  );
  let records: readonly CaptureRecord[] = all;
  if (flags.id && flags.id.length > 0) {
    const missing = flags.id.filter((id) => !records.some((r) => r.id === id));
    if (missing.length > 0) throw usageError(`no delivery with id ${missing.join(", ")} in ${source}`);
    records = records.filter((r) => flags.id?.includes(r.id));
  }
  if (flags.provider !== undefined) records = records.filter((r) => r.provider === flags.provider);
  if (records.length === 0)
    throw new WhtoolError(
      "empty",
      `nothing to replay from ${source}`,
      EXIT.failed,
      "capture deliveries with whtool listen first",
    );

  const c = colourFor(ctx.stderr, ctx.env);
  let failed = 0;
  let unanswered = 0;
  for (const record of records) {
    if (typeof record.oversizeBytes === "number") {
      ctx.stderr.write(formatSkipped(record, c));
      continue;
    }
    const delivery = toDelivery(record);
    const result = await postRaw(flags.to, hopByHopStripped(delivery.headers), delivery.body, {
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
      });
    else ctx.stderr.write(formatReplayed(record, result, c));
  }
  if (unanswered > 0 && unanswered === records.length)
    throw networkError(`nothing answered at ${flags.to}`, "is the target running and listening there?");
  return failed === 0 ? EXIT.ok : EXIT.failed;
}
