import type { ChalkInstance } from "chalk";
import { firstLine, type PostResult } from "../core/post-result.js";
import { printable as p } from "../core/printable.js";
import { answerWithBody } from "./answer-text.js";

interface Replayed {
  readonly id: string;
  readonly provider: string | null;
}

/** `id provider → 200 12 ms  first line of the app's body`; all from the capture or the app, so neutralised. */
export function formatReplayed(record: Replayed, result: PostResult, c: ChalkInstance): string {
  return `${p(record.id)} ${p(record.provider ?? "?")} → ${answerWithBody(result, firstLine(result.body), c)}\n`;
}

/** A record replay cannot resend: its body was over --max-body, or the request was refused unread. */
export function formatSkipped(record: Replayed, why: string, c: ChalkInstance): string {
  return c.yellow(`skipped ${p(record.id)}: ${why}\n`);
}
