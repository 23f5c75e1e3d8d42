// Runs a node child and reports its wall time and peak RSS. The peak comes from the child itself
// (process.resourceUsage().maxRSS at exit, via a preloaded probe): `/usr/bin/time -v` is not on
// every machine, and polling /proc misses short peaks.
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";

const PROBE = `process.on("exit", () => process.stderr.write("\\nbench-maxrss-kb=" + process.resourceUsage().maxRSS + "\\n"));`;
export const PROBE_ARGS = ["--import", `data:text/javascript,${encodeURIComponent(PROBE)}`];

export interface ChildFigures {
  readonly code: number | null;
  readonly ms: number;
  readonly peakMb: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function peakMbIn(stderr: string): number {
  return Math.round(Number(/bench-maxrss-kb=(\d+)/.exec(stderr)?.[1] ?? Number.NaN) / 1024);
}

/** Runs `node PROBE args`, to the end; stdout is kept (pass `discardStdout` for large output). */
export function runNode(
  args: string[],
  env: Record<string, string>,
  discardStdout = false,
): Promise<ChildFigures> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [...PROBE_ARGS, ...args], {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", discardStdout ? "ignore" : "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => (stdout += d));
    child.stderr?.on("data", (d: Buffer) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ code, ms: performance.now() - start, peakMb: peakMbIn(stderr), stdout, stderr }),
    );
  });
}
