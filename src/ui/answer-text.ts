import type { ChalkInstance } from "chalk";
import type { PostResult } from "../adapters/http-post.js";
import { printable } from "../core/printable.js";

/** Whether a receiver accepted what was sent. */
export const answered2xx = (result: PostResult): boolean =>
  result.status !== null && result.status >= 200 && result.status < 300;

/** `200 12 ms`, `401 3 ms` or `no answer (ECONNREFUSED)`, coloured for a human. */
export function answerText(result: PostResult, c: ChalkInstance): string {
  if (result.status === null) return c.red(`no answer (${printable(String(result.error))})`);
  const status = answered2xx(result) ? c.green(String(result.status)) : c.red(String(result.status));
  return `${status} ${c.dim(`${result.durationMs} ms`)}`;
}
