import { join } from "node:path";
import {
  backgroundLog,
  isAlive,
  startBackgroundWhtool,
  stopProcess,
} from "../adapters/background-process.js";
import { readPrivateFile, removePrivateFile, writePrivateFileAtomic } from "../adapters/files.js";
import type { Context } from "../context.js";
import type { ProviderId } from "../core/provider-id.js";
import { EXIT, usageError, WhtoolError } from "../errors.js";

/** Where detached emulators are written down, so `emulate --stop` finds them. */
const REGISTRY = ".whtool/emulators.json";
const READY_TIMEOUT_MS = 15_000;

interface Detached {
  readonly provider: ProviderId;
  readonly pid: number;
  readonly url: string;
  readonly log: string;
  readonly startedAt: string;
}

export interface Started {
  readonly provider: ProviderId;
  readonly url: string;
  readonly env: Readonly<Record<string, string>>;
}

/**
 * Starts `whtool emulate --json` as a background process whose output goes to a log file (never to
 * our stdout, so `eval "$(whtool emulate … --detach)"` returns), waits for its ready lines, and
 * records the process so `emulate --stop` can end it.
 */
export async function startDetached(
  ids: readonly ProviderId[],
  args: readonly string[],
  ctx: Context,
): Promise<Started[]> {
  const running = await readRegistry(ctx.cwd);
  const clash = running.filter((entry) => ids.includes(entry.provider) && isAlive(entry.pid));
  if (clash.length > 0)
    throw usageError(
      `already running in the background: ${clash.map((e) => `${e.provider} at ${e.url} (pid ${e.pid})`).join(", ")}`,
      `stop it first: whtool emulate --stop --provider ${clash.map((e) => e.provider).join(",")}`,
    );

  // Written now, before anything starts, so a link planted at the registry is refused up front.
  const kept = running.filter((entry) => isAlive(entry.pid) && !ids.includes(entry.provider));
  await writeRegistry(ctx.cwd, kept);
  const log = join(ctx.cwd, ".whtool", `emulate-${ids.join("-")}.log`);
  // A fresh log each start (its ready lines are read below), opened 0600 without following a link.
  const child = await startBackgroundWhtool(["emulate", "--provider", ids.join(","), ...args, "--json"], {
    cwd: ctx.cwd,
    env: ctx.env,
    log,
  });
  if (child === undefined)
    throw new WhtoolError("emulate", "could not start the emulator process", EXIT.internal);
  const { pid } = child;

  let started: Started[];
  try {
    started = await waitForReady(log, ids.length, child.exitCode);
  } catch (error) {
    if (isAlive(pid)) await stopProcess(pid, 5_000);
    throw error;
  }
  const now = new Date().toISOString();
  await writeRegistry(ctx.cwd, [
    ...kept,
    ...started.map((s) => ({ provider: s.provider, pid, url: s.url, log, startedAt: now })),
  ]);
  return started;
}

/** Stops the background emulators (all, or those of the given providers); returns what was stopped. */
export async function stopDetached(
  ids: readonly ProviderId[] | "all",
  ctx: Context,
): Promise<{ stopped: Detached[]; stale: Detached[] }> {
  const running = await readRegistry(ctx.cwd);
  const chosen = running.filter((entry) => ids === "all" || ids.includes(entry.provider));
  const stopped: Detached[] = [];
  const stale: Detached[] = [];
  // One process may serve several providers: end each pid once, forget all its providers.
  const pids = new Set(chosen.map((entry) => entry.pid));
  for (const pid of pids) {
    const entries = chosen.filter((entry) => entry.pid === pid);
    if (!isAlive(pid)) {
      stale.push(...entries);
      continue;
    }
    await stopProcess(pid, 5_000);
    stopped.push(...entries);
  }
  const stoppedPids = new Set([...stopped, ...stale].map((entry) => entry.pid));
  const left = running.filter((entry) => !stoppedPids.has(entry.pid) && isAlive(entry.pid));
  if (left.length === 0) await removePrivateFile(join(ctx.cwd, REGISTRY));
  else await writeRegistry(ctx.cwd, left);
  return { stopped, stale };
}

async function waitForReady(log: string, count: number, exitCode: () => number | null): Promise<Started[]> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const text = await backgroundLog(log);
    const ready = text
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => {
        try {
          return JSON.parse(line) as Record<string, unknown>;
        } catch {
          return undefined;
        }
      })
      .filter((line): line is Record<string, unknown> => line?.type === "ready");
    if (ready.length >= count)
      return ready.map((line) => ({
        provider: line.provider as ProviderId,
        url: String(line.url),
        env: line.env as Record<string, string>,
      }));
    const code = exitCode();
    if (code !== null || Date.now() > deadline) {
      const tail = text.trim().split("\n").slice(-3).join("\n  ");
      throw new WhtoolError(
        "emulate",
        code !== null
          ? `the background emulator exited (code ${code}) before it was ready${tail ? `:\n  ${tail}` : ""}`
          : `the background emulator was not ready within ${READY_TIMEOUT_MS / 1000} s`,
        EXIT.internal,
        `see ${log}`,
      );
    }
    await new Promise((done) => setTimeout(done, 50));
  }
}

async function readRegistry(cwd: string): Promise<Detached[]> {
  try {
    const parsed: unknown = JSON.parse((await readPrivateFile(join(cwd, REGISTRY))) ?? "[]");
    return Array.isArray(parsed)
      ? parsed.filter(
          (e): e is Detached =>
            typeof e === "object" && e !== null && Number.isInteger(e.pid) && typeof e.provider === "string",
        )
      : [];
  } catch {
    return [];
  }
}

async function writeRegistry(cwd: string, entries: readonly Detached[]): Promise<void> {
  await writePrivateFileAtomic(join(cwd, REGISTRY), `${JSON.stringify(entries, null, 2)}\n`);
}
