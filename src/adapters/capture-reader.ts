import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { type CaptureLine, type CaptureRecord, parseCaptureLine } from "../core/capture-format.js";

/**
 * Longest line the reader will hold. A capture line is one delivery (base64 body plus headers),
 * and listen's --max-body keeps those far smaller; anything longer is skipped, not buffered, so
 * a corrupt or hostile file cannot exhaust memory.
 */
export const MAX_CAPTURE_LINE_BYTES = 64 * 1024 * 1024;

/**
 * Chunk size for reading capture files: most ~1 KB lines are cut from one chunk, and the
 * garbage per chunk stays small (1 MiB chunks measured 128 MB peak RSS over 540 MB, this 75 MB).
 */
export const READ_CHUNK_BYTES = 256 * 1024;

const NEWLINE = 0x0a;

export interface ReadCaptureOptions {
  readonly maxLineBytes?: number;
}

/**
 * Reads capture JSONL from a byte stream line by line, in constant memory whatever its size:
 * chunks are split on `\n` and only the line being assembled is kept. Yields each record and each
 * warning (see parseCaptureLine) as it is met; blank lines yield nothing.
 */
export async function* readCaptureStream(
  chunks: AsyncIterable<Uint8Array | string>,
  source: string,
  options: ReadCaptureOptions = {},
): AsyncGenerator<NonNullable<CaptureLine>> {
  const maxLineBytes = options.maxLineBytes ?? MAX_CAPTURE_LINE_BYTES;
  // The start of a line that began in an earlier chunk; bytes, so a UTF-8 character cut across
  // two chunks is decoded whole.
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let oversize = false;
  let lineNumber = 0;

  const finish = (tail: Buffer, unterminated: boolean): NonNullable<CaptureLine> | null => {
    lineNumber++;
    if (oversize || pendingBytes + tail.length > maxLineBytes) {
      const bytes = pendingBytes + tail.length;
      pending = [];
      pendingBytes = 0;
      oversize = false;
      return {
        warning: `${source}:${lineNumber}: line of ${bytes} bytes is over the ${maxLineBytes}-byte limit: skipped`,
      };
    }
    const text =
      pendingBytes === 0 ? tail.toString("utf8") : Buffer.concat([...pending, tail]).toString("utf8");
    pending = [];
    pendingBytes = 0;
    return parseCaptureLine(text, lineNumber, unterminated, source);
  };

  for await (const chunk of chunks) {
    const buffer =
      typeof chunk === "string"
        ? Buffer.from(chunk)
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (let end = buffer.indexOf(NEWLINE, start); end !== -1; end = buffer.indexOf(NEWLINE, start)) {
      const parsed = finish(buffer.subarray(start, end), false);
      if (parsed !== null) yield parsed;
      start = end + 1;
    }
    if (start < buffer.length) {
      const rest = buffer.subarray(start);
      if (oversize || pendingBytes + rest.length > maxLineBytes) {
        // Past the cap: drop what was gathered and count, but keep nothing until the next newline.
        oversize = true;
        pending = [];
        pendingBytes += rest.length;
      } else {
        // A copy, so the read chunk it came from can be freed.
        pending.push(Buffer.from(rest));
        pendingBytes += rest.length;
      }
    }
  }
  if (pendingBytes > 0 || oversize) {
    const parsed = finish(Buffer.alloc(0), true);
    if (parsed !== null) yield parsed;
  }
}

/** Streams a capture file (see readCaptureStream); a missing or unreadable file rejects on first read. */
export function readCaptureFileStream(
  path: string,
  options: ReadCaptureOptions = {},
): AsyncGenerator<NonNullable<CaptureLine>> {
  return readCaptureStream(createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }), path, options);
}

/** The record on the line at `offset` (`length` bytes, newline included), or undefined if it is not one. */
export async function recordAt(
  path: string,
  offset: number,
  length: number,
): Promise<CaptureRecord | undefined> {
  if (length === 0) return undefined;
  const stream = createReadStream(path, { start: offset, end: offset + length - 1 });
  for await (const line of readCaptureStream(stream, path)) if ("record" in line) return line.record;
  return undefined;
}

/** The first record with this id, by a streamed scan of the file; undefined when absent or unreadable. */
export async function findRecord(path: string, id: string): Promise<CaptureRecord | undefined> {
  try {
    for await (const line of readCaptureFileStream(path))
      if ("record" in line && line.record.id === id) return line.record;
  } catch {
    // the file went away: the record is simply not available any more
  }
  return undefined;
}

/** A capture file opened for one streamed read: rejects now when it cannot be opened; close() when done. */
export async function openCaptureFile(
  path: string,
): Promise<{ readonly chunks: AsyncIterable<Uint8Array>; close(): Promise<void> }> {
  const handle = await open(path, "r");
  return {
    chunks: handle.createReadStream({ highWaterMark: READ_CHUNK_BYTES, autoClose: false }),
    close: () => handle.close(),
  };
}
