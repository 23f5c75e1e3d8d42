import { type FileHandle, open, stat } from "node:fs/promises";
import { MAX_CAPTURE_LINE_BYTES, READ_CHUNK_BYTES } from "./capture-reader.js";

const NEWLINE = 0x0a;

export interface LineFollower {
  /** Reads whatever the file gained since the last read (the first call reads from `from`). */
  poll(): Promise<void>;
  /** Stops following; waits for a read in progress. */
  close(): Promise<void>;
}

export interface FollowHandlers {
  /** One complete line, without its newline; `offset` and `length` (newline included) place it in the file. */
  onLine(line: string, offset: number, length: number): void;
  /** The file shrank (replaced or truncated): following starts again at its first byte. */
  onReset?(): void;
  /** A timed poll failed (the file went away, a read error): following goes on at the next one. */
  onError?(error: Error): void;
}

/**
 * Follows a capture file as it grows, for `tail -f` and the inspector alike: every `intervalMs`
 * (and on each `poll()`) reads only the bytes added since the last read, in bounded chunks, and
 * hands over each complete line. A half-written last line waits for its newline; a line over the
 * reader's cap is skipped without being held; a file that shrinks is read again from its start.
 */
export function followLines(
  path: string,
  handlers: FollowHandlers,
  options: {
    readonly from?: number;
    readonly intervalMs?: number;
    /** Keep the process alive while following (`tail -f`); by default the timer does not hold it. */
    readonly keepAlive?: boolean;
  } = {},
): LineFollower {
  let offset = options.from ?? 0;
  let running: Promise<void> | null = null;
  let closed = false;

  const readNew = async () => {
    const size = await stat(path).then(
      (s) => s.size,
      () => null,
    );
    if (size === null) return;
    if (size < offset) {
      offset = 0;
      handlers.onReset?.();
    }
    if (size === offset) return;
    let handle: FileHandle | undefined;
    try {
      handle = await open(path, "r");
      offset = await linesIn(handle, offset, size, handlers.onLine);
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
    if (!closed) void poll().catch((error: unknown) => handlers.onError?.(error as Error));
  }, options.intervalMs ?? 500);
  if (!options.keepAlive) timer.unref();
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
async function linesIn(
  handle: FileHandle,
  from: number,
  to: number,
  onLine: (line: string, offset: number, length: number) => void,
): Promise<number> {
  const chunk = Buffer.alloc(Math.min(READ_CHUNK_BYTES, Math.max(1, to - from)));
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
