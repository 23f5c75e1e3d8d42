import { createReadStream } from "node:fs";
import { type FileHandle, open, stat } from "node:fs/promises";
import { MAX_CAPTURE_LINE_BYTES, READ_CHUNK_BYTES, readCaptureStream } from "../adapters/capture-reader.js";
import { leadingRecordId, parseCaptureLine } from "../core/capture-format.js";
import type { DeliveryStore, Locator, RecordSource } from "./store.js";

const NEWLINE = 0x0a;

/** Re-reads records from a capture file: one line at its offset, or a streamed scan for an id. */
export function fileSource(path: string): RecordSource {
  return {
    async readAt({ offset, length }: Locator) {
      if (length === 0) return undefined;
      const stream = createReadStream(path, { start: offset, end: offset + length - 1 });
      for await (const line of readCaptureStream(stream, path)) if ("record" in line) return line.record;
      return undefined;
    },
    async find(id: string) {
      const stream = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
      try {
        for await (const line of readCaptureStream(stream, path))
          if ("record" in line && line.record.id === id) return line.record;
      } catch {
        // the file went away: the record is simply not available any more
      }
      return undefined;
    },
  };
}

export interface Follower {
  /** Reads whatever the file gained since the last read (the first call reads it all). */
  poll(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Indexes a capture file into the store line by line, keeping each record's byte offset rather
 * than the record, then follows the file as it grows: each poll reads only the new bytes, and a
 * half-written last line waits for its newline. A file that shrinks was replaced: start over.
 */
export function followCapture(
  path: string,
  store: DeliveryStore,
  options: { intervalMs?: number; warn?: (message: string) => void } = {},
): Follower {
  let offset = 0;
  let lineNumber = 0;
  let running: Promise<void> | null = null;
  let closed = false;
  const warn = options.warn ?? (() => {});

  const readNew = async () => {
    const size = await stat(path).then(
      (s) => s.size,
      () => null,
    );
    if (size === null) return;
    if (size < offset) {
      offset = 0;
      lineNumber = 0;
      store.clear();
    }
    if (size === offset) return;
    let handle: FileHandle | undefined;
    try {
      handle = await open(path, "r");
      offset = await indexFrom(handle, offset, size, (line, at, length) => {
        lineNumber++;
        // Listen's own deliveries are held already (live): they need only their place in the file.
        const id = leadingRecordId(line);
        if (id !== undefined && store.locate(id, { offset: at, length })) return;
        const parsed = parseCaptureLine(line, lineNumber, false, path);
        if (parsed === null) return;
        if ("record" in parsed) store.add(parsed.record, { offset: at, length });
        else warn(parsed.warning);
      });
    } finally {
      await handle?.close();
    }
  };

  const poll = () => {
    running ??= readNew().finally(() => {
      running = null;
    });
    return running;
  };
  const timer = setInterval(() => {
    if (!closed)
      void poll().catch((error: unknown) => warn(`cannot read ${path}: ${(error as Error).message}`));
  }, options.intervalMs ?? 500);
  timer.unref();
  return {
    poll,
    async close() {
      closed = true;
      clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}

/**
 * Calls `onLine` for each complete line in [from, to) with its byte offset and length (newline
 * included); returns the offset after the last complete line. Lines over the reader's cap are
 * skipped without being held.
 */
async function indexFrom(
  handle: FileHandle,
  from: number,
  to: number,
  onLine: (line: string, offset: number, length: number) => void,
): Promise<number> {
  const chunk = Buffer.alloc(READ_CHUNK_BYTES);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let lineStart = from;
  let position = from;
  while (position < to) {
    const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, to - position), position);
    if (bytesRead === 0) break;
    const view = chunk.subarray(0, bytesRead);
    let start = 0;
    for (let end = view.indexOf(NEWLINE); end !== -1; end = view.indexOf(NEWLINE, start)) {
      const length = position + end + 1 - lineStart;
      if (length <= MAX_CAPTURE_LINE_BYTES)
        onLine(Buffer.concat([...pending, view.subarray(start, end)]).toString("utf8"), lineStart, length);
      pending = [];
      pendingBytes = 0;
      start = end + 1;
      lineStart = position + start;
    }
    if (start < bytesRead && pendingBytes <= MAX_CAPTURE_LINE_BYTES) {
      pending.push(Buffer.from(view.subarray(start)));
      pendingBytes += bytesRead - start;
    }
    position += bytesRead;
  }
  return lineStart;
}
