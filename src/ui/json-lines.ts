import type { Context } from "../context.js";
import { jsonPrintable } from "../core/printable.js";
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

/**
 * One NDJSON line on stdout. JSON.stringify escapes C0 controls; jsonPrintable also escapes the
 * bidi, C1 and line-separator characters it leaves raw, so `cat` of the output cannot be spoofed.
 */
export function emit(ctx: Pick<Context, "stdout">, line: Record<string, unknown>): void {
  ctx.stdout.write(`${jsonPrintable(JSON.stringify(line))}\n`);
}
