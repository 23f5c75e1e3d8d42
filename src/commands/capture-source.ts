import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { DEFAULT_CAPTURE_FILE } from "../adapters/capture.js";
import { readAll } from "../adapters/stdin.js";
import type { Context } from "../context.js";
import { type CaptureRecord, parseCaptureText } from "../core/capture-format.js";
import { printable } from "../core/printable.js";
import { usageError } from "../errors.js";

/**
 * The capture records a command was pointed at: a file, `-` for stdin, or by default
 * .whtool/captures.jsonl. Reader warnings (a truncated tail…) go to stderr.
 */
export async function readCaptureSource(
  file: string | undefined,
  ctx: Context,
  otherwise: string,
): Promise<{ source: string; records: readonly CaptureRecord[] }> {
  const source = file ?? DEFAULT_CAPTURE_FILE;
  if (file === undefined && !existsSync(resolve(ctx.cwd, DEFAULT_CAPTURE_FILE)))
    throw usageError(`no capture file given and ${DEFAULT_CAPTURE_FILE} does not exist`, otherwise);
  let text: string;
  try {
    text =
      source === "-"
        ? (await readAll(ctx.stdin)).toString("utf8")
        : await readFile(resolve(ctx.cwd, source), "utf8");
  } catch (error) {
    throw usageError(`cannot read ${source}: ${(error as Error).message}`, otherwise);
  }
  const parsed = parseCaptureText(text, source === "-" ? "stdin" : source);
  for (const warning of parsed.warnings) ctx.stderr.write(`warning: ${printable(warning)}\n`);
  return { source, records: parsed.records };
}
