import type { ChalkInstance } from "chalk";
import type { PostResult } from "../adapters/http-post.js";
import { printable as p } from "../core/printable.js";
import { answerText } from "./answer-text.js";

interface Replayed {
  readonly id: string;
  readonly provider: string | null;
}

/** `id provider → 200 12 ms`; id and provider come from the capture file, so they are neutralised. */
export function formatReplayed(record: Replayed, result: PostResult, c: ChalkInstance): string {
  return `${p(record.id)} ${p(record.provider ?? "?")} → ${answerText(result, c)}\n`;
}

/** A record replay cannot resend because its body was over --max-body when captured. */
export function formatSkipped(record: Replayed, c: ChalkInstance): string {
  return c.yellow(`skipped ${p(record.id)}: its body was over the limit and not kept\n`);
}
