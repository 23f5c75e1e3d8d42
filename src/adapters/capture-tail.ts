import { open, stat } from "node:fs/promises";
import { type CaptureLine, parseCaptureLine } from "../core/capture-format.js";

/**
 * Follows a capture file from `offset` as it grows (`tail -f`): every `intervalMs` reads only the
 * new bytes, hands each complete line to `onLine`, and keeps a half-written last line until its
 * newline arrives. A file that shrinks was replaced: it is followed from its start. Ends when
 * `signal` aborts.
 */
export async function followCapture(
  path: string,
  offset: number,
  onLine: (line: NonNullable<CaptureLine>) => void,
  signal: AbortSignal,
  intervalMs = 500,
): Promise<void> {
  let position = offset;
  let pending = Buffer.alloc(0);
  let lineNumber = 0;
  while (!signal.aborted) {
    const size = await stat(path).then(
      (s) => s.size,
      () => position,
    );
    if (size < position) {
      position = 0;
      pending = Buffer.alloc(0);
    }
    if (size > position) {
      const file = await open(path, "r");
      try {
        const chunk = Buffer.alloc(size - position);
        const { bytesRead } = await file.read(chunk, 0, chunk.length, position);
        position += bytesRead;
        pending = Buffer.concat([pending, chunk.subarray(0, bytesRead)]);
      } finally {
        await file.close();
      }
      for (let newline = pending.indexOf(0x0a); newline >= 0; newline = pending.indexOf(0x0a)) {
        const line = parseCaptureLine(
          pending.subarray(0, newline).toString("utf8"),
          ++lineNumber,
          false,
          path,
        );
        pending = pending.subarray(newline + 1);
        if (line) onLine(line);
      }
    }
    await new Promise<void>((done) => {
      const timer = setTimeout(done, intervalMs);
      signal.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          done();
        },
        { once: true },
      );
    });
  }
}
