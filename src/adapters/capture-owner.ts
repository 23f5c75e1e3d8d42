import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { readPrivateFile, writePrivateFileAtomic } from "./files.js";

interface Marker {
  readonly pid: number;
  readonly token: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Marks a capture file as being written by this listener (`<file>.listener`, 0600), and says
 * which other live listener already writes it, if one does: two listeners on one file interleave
 * their lines (each stays whole) and neither sees the other's duplicates. A marker left by a
 * listener that died is ignored.
 */
export async function claimCapture(
  path: string,
): Promise<{ other: number | null; release(): Promise<void> }> {
  const markerPath = `${path}.listener`;
  let other: number | null = null;
  try {
    const found = JSON.parse((await readPrivateFile(markerPath)) ?? "null") as Partial<Marker> | null;
    if (found && typeof found.pid === "number" && typeof found.token === "string" && alive(found.pid))
      other = found.pid;
  } catch {
    // no marker, or an unreadable one: nobody we know of
  }
  const mine: Marker = { pid: process.pid, token: randomBytes(8).toString("hex") };
  await writePrivateFileAtomic(markerPath, `${JSON.stringify(mine)}\n`).catch(() => undefined);
  return {
    other,
    release: async () => {
      // Only our own marker: a listener that started after us and took it over keeps it.
      const now = await readPrivateFile(markerPath).catch(() => undefined);
      if (now?.includes(mine.token)) await rm(markerPath, { force: true });
    },
  };
}
