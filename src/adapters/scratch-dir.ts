import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A fresh folder under the system's temporary directory (the built-in emulators' state for a run). */
export function makeScratchDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Removes a scratch folder and everything in it; a missing one is fine. */
export function removeScratchDir(path: string): void {
  rmSync(path, { recursive: true, force: true });
}
