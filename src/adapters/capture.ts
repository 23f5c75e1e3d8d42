import type { FileHandle } from "node:fs/promises";
import { readFile } from "node:fs/promises";
import {
  type CaptureRecord,
  type ParsedCapture,
  parseCaptureText,
  serialiseRecord,
} from "../core/capture-format.js";
import { openPrivateAppend } from "./files.js";

// Moved to files.ts with every other private-file operation; re-exported for existing importers.
export { prepareSecretFile } from "./files.js";

export const DEFAULT_CAPTURE_FILE = ".whtool/captures.jsonl";

/** Reads a capture file; a missing file is an error the caller words, a truncated tail is a warning. */
export async function readCaptureFile(path: string): Promise<ParsedCapture> {
  return parseCaptureText(await readFile(path, "utf8"), path);
}

/**
 * Appends records one whole line per write, in call order. `append` resolves once the line is
 * written to the file, so a listener can answer the sender only after its delivery is on disk.
 */
export class CaptureWriter {
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  static async open(path: string): Promise<CaptureWriter> {
    // No-follow, 0600 on the handle: captures hold real payloads and a planted link must not redirect them.
    return new CaptureWriter(path, await openPrivateAppend(path));
  }

  append(record: CaptureRecord): Promise<void> {
    if (this.#closed) return Promise.reject(new Error(`capture file ${this.path} is closed`));
    const line = Buffer.from(serialiseRecord(record));
    const write = this.#queue.then(async () => {
      await this.handle.write(line);
    });
    // Keep the chain alive after a failed write; the caller of that append sees the error.
    this.#queue = write.catch(() => undefined);
    return write;
  }

  /** Waits for pending writes, flushes to disk, closes. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue;
    await this.handle.sync().catch(() => undefined);
    await this.handle.close();
  }
}
