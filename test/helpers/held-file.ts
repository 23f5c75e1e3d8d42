import type { CaptureFile } from "../../src/adapters/capture.js";

/**
 * A capture file whose writes complete only when the test says so: each write is recorded and
 * held until `release` (or `fail`) is called for it, so a test can prove what waits for a write.
 */
export class HeldFile implements CaptureFile {
  /** Every write, in order, as text. */
  readonly writes: string[] = [];
  readonly #held: { resolve(): void; reject(error: Error): void; bytes: number }[] = [];
  readonly #waiters: (() => void)[] = [];
  synced = false;
  closed = false;

  write(buffer: Uint8Array): Promise<{ bytesWritten: number }> {
    this.writes.push(Buffer.from(buffer).toString("utf8"));
    const bytes = buffer.byteLength;
    const done = new Promise<{ bytesWritten: number }>((resolve, reject) => {
      this.#held.push({ resolve: () => resolve({ bytesWritten: bytes }), reject, bytes });
    });
    for (const wake of this.#waiters.splice(0)) wake();
    return done;
  }

  /** Resolves once at least `n` writes have been made. */
  async writeCount(n: number): Promise<void> {
    while (this.writes.length < n) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  /** Completes write number `index` (0-based). */
  release(index: number): void {
    this.#take(index).resolve();
  }

  /** Fails write number `index` (0-based), as a full disk would. */
  fail(index: number, error = new Error("ENOSPC: no space left on device")): void {
    this.#take(index).reject(error);
  }

  #take(index: number) {
    const held = this.#held[index];
    if (!held) throw new Error(`no write ${index} yet (${this.#held.length} made)`);
    return held;
  }

  async sync(): Promise<void> {
    this.synced = true;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
