import { resolve } from "node:path";
import { DEFAULT_CAPTURE_FILE } from "../adapters/capture.js";
import { openCaptureFile, readCaptureStream } from "../adapters/capture-reader.js";
import { pathExists } from "../adapters/user-files.js";
import type { Context } from "../context.js";
import type { CaptureLine, CaptureRecord } from "../core/capture-format.js";
import { printable } from "../core/printable.js";
import { usageError } from "../errors.js";

export interface CaptureSource {
  /** The file as the user named it, or `-`. */
  readonly source: string;
  /** Read once, in file order, in constant memory; reader warnings go to stderr as they are met. */
  readonly records: AsyncIterable<CaptureRecord>;
  /** Lines skipped with a warning so far (a file of nothing but those is not a capture). */
  readonly skipped: () => number;
}

/**
 * The capture records a command was pointed at, streamed: a file, `-` for stdin, or by default
 * .whtool/captures.jsonl. A file that cannot be opened is a usage error now; one that fails
 * while being read (a folder, an I/O error) is the same usage error from the iteration.
 */
export async function captureRecords(
  file: string | undefined,
  ctx: Context,
  otherwise: string,
): Promise<CaptureSource> {
  const source = file ?? DEFAULT_CAPTURE_FILE;
  if (file === undefined && !pathExists(resolve(ctx.cwd, DEFAULT_CAPTURE_FILE)))
    throw usageError(`no capture file given and ${DEFAULT_CAPTURE_FILE} does not exist`, otherwise);
  const cannotRead = (error: unknown) =>
    usageError(`cannot read ${source}: ${(error as Error).message}`, otherwise);
  const opened =
    source === "-"
      ? undefined
      : await openCaptureFile(resolve(ctx.cwd, source)).catch((error: unknown) => {
          throw cannotRead(error);
        });
  const chunks: AsyncIterable<Uint8Array | string> = opened === undefined ? ctx.stdin : opened.chunks;
  const lines = readCaptureStream(chunks, source === "-" ? "stdin" : source);
  let skipped = 0;
  async function* records(): AsyncGenerator<CaptureRecord> {
    try {
      for (;;) {
        let next: IteratorResult<NonNullable<CaptureLine>>;
        try {
          next = await lines.next();
        } catch (error) {
          throw cannotRead(error);
        }
        if (next.done) return;
        if ("record" in next.value) yield next.value.record;
        else {
          skipped++;
          ctx.stderr.write(`warning: ${printable(next.value.warning)}\n`);
        }
      }
    } finally {
      await lines.return(undefined);
      await opened?.close();
    }
  }
  return { source, records: records(), skipped: () => skipped };
}
