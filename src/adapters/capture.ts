import { constants, open } from "node:fs/promises";
import {
  type CaptureRecord,
  type FollowUpRecord,
  type ParsedCapture,
  serialiseRecord,
} from "../core/capture-format.js";
import { readCaptureFileStream } from "./capture-reader.js";
import { openPrivateAppend } from "./files.js";

// Moved to files.ts with every other private-file operation; re-exported for existing importers.
export { prepareSecretFile } from "./files.js";

export const DEFAULT_CAPTURE_FILE = ".whtool/captures.jsonl";

/**
 * Reads a whole capture file into memory (tests, small files; commands stream it instead). A
 * missing file is an error the caller words, a truncated tail is a warning.
 */
export async function readCaptureFile(path: string): Promise<ParsedCapture> {
  const records: CaptureRecord[] = [];
  const warnings: string[] = [];
  for await (const line of readCaptureFileStream(path)) {
    if ("record" in line) records.push(line.record);
    else warnings.push(line.warning);
  }
  return { records, warnings };
}

/** Whether the file's last byte is not a newline; false for a missing or empty file. */
async function endsMidLine(path: string): Promise<boolean> {
  // Opened only after openPrivateAppend refused a link; O_NOFOLLOW all the same.
  const file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const { size } = await file.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await file.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    await file.close();
  }
}

/** What the writer needs of an open file: fs/promises' FileHandle fits, and so does a test's fake. */
export interface CaptureFile {
  write(buffer: Uint8Array): Promise<{ readonly bytesWritten: number }>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

interface Waiting {
  readonly line: Buffer;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Appends records one whole line each, in call order, by group commit: while a write is in
 * flight new lines queue, and when it completes everything queued goes out in one write. `append`
 * resolves only once the write holding its line has completed, so a listener answers a sender
 * only after its delivery is in the file (handed to the kernel; there is no fsync per line).
 */
export class CaptureWriter {
  #queued: Waiting[] = [];
  #inFlight: Promise<void> | null = null;
  #closed = false;
  /** A failed write may have left part of a line: the next write starts on a fresh line. */
  #torn = false;

  /** `endsMidLine`: the file ends without a newline (a crash cut its last write short). */
  constructor(
    readonly path: string,
    private readonly file: CaptureFile,
    endsMidLine = false,
  ) {
    // Else the first line appended would be glued to the cut one, and both lost to readers.
    this.#torn = endsMidLine;
  }

  static async open(path: string): Promise<CaptureWriter> {
    // No-follow, 0600 on the handle: captures hold real payloads and a planted link must not redirect them.
    const handle = await openPrivateAppend(path);
    try {
      return new CaptureWriter(path, handle, await endsMidLine(path));
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  append(record: CaptureRecord | FollowUpRecord): Promise<void> {
    if (this.#closed) return Promise.reject(new Error(`capture file ${this.path} is closed`));
    const line = Buffer.from(serialiseRecord(record));
    return new Promise<void>((resolve, reject) => {
      this.#queued.push({ line, resolve, reject });
      this.#inFlight ??= this.#drain();
    });
  }

  /** Writes batch after batch until nothing is queued; a failed batch rejects only its own appends. */
  async #drain(): Promise<void> {
    while (this.#queued.length > 0) {
      const batch = this.#queued;
      this.#queued = [];
      const lines = batch.map((w) => w.line);
      if (this.#torn) lines.unshift(Buffer.from("\n"));
      try {
        await this.#writeAll(lines.length === 1 ? (lines[0] as Buffer) : Buffer.concat(lines));
        this.#torn = false;
        for (const waiting of batch) waiting.resolve();
      } catch (error) {
        this.#torn = true;
        for (const waiting of batch) waiting.reject(error);
      }
    }
    this.#inFlight = null;
  }

  /** A write may take only part of the buffer (a signal, a nearly full disk): the rest follows. */
  async #writeAll(bytes: Buffer): Promise<void> {
    let rest = bytes;
    while (rest.length > 0) {
      const { bytesWritten } = await this.file.write(rest);
      if (bytesWritten <= 0) throw new Error(`capture file ${this.path}: write took no bytes`);
      rest = rest.subarray(bytesWritten);
    }
  }

  /** Waits for pending writes, flushes to disk, closes. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#inFlight;
    await this.file.sync().catch(() => undefined);
    await this.file.close();
  }
}
