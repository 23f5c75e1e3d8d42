import type { Output } from "../context.js";

export interface BatchedOutput extends Output {
  /** Writes whatever is pending now (before exiting, or before something writes around the batch). */
  flush(): void;
}

/** Flushed sooner than the next turn when this much is pending, so memory stays bounded. */
const MAX_PENDING_CHARS = 64 * 1024;

/**
 * Collects writes made in one turn of the event loop and hands them to `out` as one write: under
 * load, listen printed one line per delivery with one write syscall each (10% of its CPU profile).
 * Order is kept; nothing is held past the current turn.
 */
export function batchedOutput(out: Output): BatchedOutput {
  let pending: string[] = [];
  let size = 0;
  let scheduled: NodeJS.Immediate | null = null;
  const flush = () => {
    if (scheduled !== null) clearImmediate(scheduled);
    scheduled = null;
    if (pending.length === 0) return;
    const text = pending.length === 1 ? (pending[0] as string) : pending.join("");
    pending = [];
    size = 0;
    out.write(text);
  };
  return {
    ...(out.isTTY === undefined ? {} : { isTTY: out.isTTY }),
    write: (chunk: string) => {
      pending.push(chunk);
      size += chunk.length;
      if (size >= MAX_PENDING_CHARS) flush();
      else scheduled ??= setImmediate(flush);
      return true;
    },
    flush,
  };
}
