import { request } from "node:http";
import { after } from "node:test";
import type { CliResult } from "./cli.js";
import { runCli } from "./cli.js";

const running = new Set<AbortController>();
// A test that fails before stopping its listener must not keep the test file alive.
after(() => {
  for (const controller of running) controller.abort("test file finished");
});

export interface RunningListen {
  /** The local webhook URL from the ready line. */
  readonly url: string;
  /** Ctrl-C: abort and wait for the command to finish. */
  stop(): Promise<CliResult>;
  /** The command's own end (--exit-after / --timeout). */
  readonly done: Promise<CliResult>;
}

/**
 * Runs `whtool listen --tunnel none --port 0 …` in-process and resolves once it is ready: from the
 * JSON ready line with `json`, else from the human "listening on" line.
 */
export function startListen(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; json?: boolean } = {},
): Promise<RunningListen> {
  const controller = new AbortController();
  running.add(controller);
  const json = options.json ?? true;
  return new Promise((resolve, reject) => {
    let seen = "";
    let ready = false;
    const watch = (chunk: string) => {
      seen += chunk;
      if (ready) return;
      const url = json
        ? (() => {
            const line = seen.split("\n").find((l) => l.includes('"type":"ready"'));
            return line ? String((JSON.parse(line) as { local: unknown }).local) : undefined;
          })()
        : /listening on (\S+)/.exec(seen)?.[1];
      if (url === undefined) return;
      ready = true;
      resolve({
        url,
        done,
        stop: async () => {
          controller.abort("SIGINT");
          return done;
        },
      });
    };
    // The suite runs many listeners at once: none takes the inspector's 4040 unless the test asks for it.
    const inspect = args.some((a) => a === "--inspect-port" || a === "--no-inspect") ? [] : ["--no-inspect"];
    const done = runCli(
      ["listen", ...(json ? ["--json"] : []), "--tunnel", "none", "--port", "0", ...inspect, ...args],
      {
        ...(options.env ? { env: options.env } : {}),
        ...(options.cwd ? { cwd: options.cwd } : {}),
        signal: controller.signal,
        ...(json ? { onStdout: watch } : { onStderr: watch }),
      },
    );
    void done.then((result) => {
      if (!ready)
        reject(new Error(`listen ended before it was ready (exit ${result.code}): ${result.stderr}`));
    });
  });
}

/** POSTs with node:http, which (unlike fetch) lets a test send hop-by-hop headers such as Connection. */
export function postRaw(url: string, headers: [string, string][], body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers: Object.fromEntries(headers) }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** POSTs a body with headers and returns the status (and answer text). */
export async function post(url: string, headers: [string, string][], body: Uint8Array | string) {
  const response = await fetch(url, { method: "POST", headers, body });
  return { status: response.status, text: await response.text() };
}
