import type { ChalkInstance } from "chalk";
import { answered2xx, type PostResult } from "../core/post-result.js";
import { printable } from "../core/printable.js";

export { answered2xx };

/** `200 12 ms`, `401 3 ms` or `no answer (ECONNREFUSED)`, coloured for a human. */
export function answerText(
  result: Pick<PostResult, "status" | "error" | "durationMs">,
  c: ChalkInstance,
): string {
  if (result.status === null) return c.red(`no answer (${printable(String(result.error))})`);
  const status = answered2xx(result) ? c.green(String(result.status)) : c.red(String(result.status));
  return `${status} ${c.dim(`${result.durationMs} ms`)}`;
}

/** The answer plus the first line of its body, which came from someone else's app: escaped. */
export function answerWithBody(
  result: Pick<PostResult, "status" | "error" | "durationMs">,
  line: string,
  c: ChalkInstance,
): string {
  return line === "" ? answerText(result, c) : `${answerText(result, c)}  ${c.dim(printable(line))}`;
}
