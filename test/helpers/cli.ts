import { spawn } from "node:child_process";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import type { Context } from "../../src/context.js";
import { run } from "../../src/main.js";

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as NDJSON. */
  readonly lines: Record<string, unknown>[];
}

/** The NDJSON lines of stdout; human output that merely starts with "{" (a pretty body) is not one. */
function parseLines(stdout: string): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.trim().startsWith("{")) continue;
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // not a JSON line
    }
  }
  return lines;
}

/** A context that discards output, with an empty stdin: for driving listen, smoke… through their modules. */
export function quietContext(env: Record<string, string> = {}): Context {
  const stdin = new PassThrough();
  stdin.end();
  return {
    env,
    cwd: process.cwd(),
    stdout: { write: () => true },
    stderr: { write: () => true },
    stdin,
    now: () => new Date(),
    fetch: globalThis.fetch,
    signal: new AbortController().signal,
  };
}

/** Runs whtool in-process through run(argv, ctx) with captured output and a given env/cwd. */
export async function runCli(
  argv: string[],
  options: {
    env?: Record<string, string>;
    cwd?: string;
    stdin?: string | Buffer;
    fetch?: typeof fetch;
    now?: () => Date;
    signal?: AbortSignal;
    /** Called with each chunk written to stdout (to react to a ready line while the command runs). */
    onStdout?: (chunk: string) => void;
    onStderr?: (chunk: string) => void;
  } = {},
): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const stdin = new PassThrough();
  stdin.end(options.stdin ?? "");
  const ctx: Context = {
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    stdout: {
      write: (s: string) => {
        stdout += s;
        options.onStdout?.(s);
      },
    },
    stderr: {
      write: (s: string) => {
        stderr += s;
        options.onStderr?.(s);
      },
    },
    stdin,
    now: options.now ?? (() => new Date()),
    fetch: options.fetch ?? globalThis.fetch,
    signal: options.signal ?? new AbortController().signal,
  };
  const code = await run(argv, ctx);
  return { code, stdout, stderr, lines: parseLines(stdout) };
}

export const BIN = fileURLToPath(new URL("../../../bin/whtool.js", import.meta.url));

/** Spawns bin/whtool.js as a user would. */
export function spawnCli(
  argv: string[],
  options: { env?: Record<string, string>; cwd?: string; stdin?: string | Buffer } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], {
      cwd: options.cwd ?? process.cwd(),
      env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr, lines: parseLines(stdout) }));
    child.stdin.end(options.stdin ?? "");
  });
}
