import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { openPrivateAppend, readPrivateFile, removePrivateFile } from "./files.js";

/** whtool's own entry point (this file is dist/src/adapters/): what a background run starts. */
const BIN = fileURLToPath(new URL("../../../bin/whtool.js", import.meta.url));

export interface BackgroundRun {
  readonly pid: number;
  /** null while it runs. */
  exitCode(): number | null;
}

/**
 * Starts `whtool ARGS` detached from this process, its stdout and stderr going to `log` (a fresh
 * 0600 file, opened without following a link), so the caller can return while it keeps running.
 */
export async function startBackgroundWhtool(
  args: readonly string[],
  options: {
    readonly cwd: string;
    readonly env: Readonly<Record<string, string | undefined>>;
    readonly log: string;
  },
): Promise<BackgroundRun | undefined> {
  await removePrivateFile(options.log);
  const handle = await openPrivateAppend(options.log);
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { ...options.env },
    detached: true,
    stdio: ["ignore", handle.fd, handle.fd],
  });
  await handle.close();
  child.unref();
  const pid = child.pid;
  return pid === undefined ? undefined : { pid, exitCode: () => child.exitCode };
}

/** What a background run has written to its log so far ("" before it exists). */
export async function backgroundLog(log: string): Promise<string> {
  return (await readPrivateFile(log).catch(() => undefined)) ?? "";
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** SIGTERM, then SIGKILL if it has not exited within `timeoutMs`. */
export async function stopProcess(pid: number, timeoutMs: number): Promise<void> {
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 50));
  if (isAlive(pid)) process.kill(pid, "SIGKILL");
}
