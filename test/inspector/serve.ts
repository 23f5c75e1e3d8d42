import { request } from "node:http";
import { after } from "node:test";
import { runCli } from "../helpers/cli.js";

export interface RunningInspect {
  readonly url: string;
  /** The per-run token, read from the page as a browser would. */
  readonly token: string;
  stop(): Promise<void>;
}

const running = new Set<AbortController>();
after(() => {
  for (const controller of running) controller.abort("test file finished");
});

/** Runs `whtool inspect FILE --port 0 --json` in-process until stopped. */
export function startInspect(
  file: string,
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<RunningInspect> {
  const controller = new AbortController();
  running.add(controller);
  return new Promise((resolve, reject) => {
    let seen = "";
    const done = runCli(["inspect", file, "--port", "0", "--json"], {
      ...options,
      signal: controller.signal,
      onStdout: (chunk) => {
        seen += chunk;
        const line = seen.split("\n").find((l) => l.includes('"type":"ready"'));
        if (!line) return;
        seen = "";
        const url = String((JSON.parse(line) as { inspector: string }).inspector);
        void pageToken(url).then(
          (token) =>
            resolve({
              url,
              token,
              stop: async () => {
                controller.abort("SIGINT");
                await done;
              },
            }),
          reject,
        );
      },
    });
    void done.then((r) => reject(new Error(`inspect ended (exit ${r.code}): ${r.stderr}`)));
  });
}

export async function pageToken(url: string): Promise<string> {
  const html = await (await fetch(url)).text();
  const token = /name="whtool-token" content="([0-9a-f]+)"/.exec(html)?.[1];
  if (!token) throw new Error("no token in the page");
  return token;
}

/** A raw request with any Host header (fetch will not send a forged one). */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? "GET", headers: options.headers ?? {} }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}
