import type { Context } from "../context.js";
import type { Verdict } from "../core/verdict.js";

/** The SPEC's `"type":"delivery"` line: the verdict plus the delivery's id and dedupe status. */
export function deliveryLine(
  id: string,
  verdict: Verdict,
  duplicateOf: string | null,
): Record<string, unknown> {
  const { provider, event, verified, reason, checks, dedupeKey, deliveryHeaders, meta, diagnosis } = verdict;
  return {
    type: "delivery",
    id,
    provider,
    event,
    verified,
    reason,
    checks,
    dedupeKey,
    duplicateOf,
    deliveryHeaders,
    meta,
    diagnosis,
  };
}

/** One NDJSON line on stdout. */
export function emit(ctx: Pick<Context, "stdout">, line: Record<string, unknown>): void {
  ctx.stdout.write(`${JSON.stringify(line)}\n`);
}
