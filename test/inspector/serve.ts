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

export interface RunningListenInspector {
  /** The webhook URL. */
  readonly webhook: string;
  readonly inspector: string;
  stop(): Promise<void>;
}

/** Runs `whtool listen --json --tunnel none --port 0 … ARGS` and resolves with its webhook and inspector URLs. */
export function startListenInspector(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<RunningListenInspector> {
  const controller = new AbortController();
  running.add(controller);
  return new Promise((resolve, reject) => {
    let seen = "";
    let ready = false;
    const done = runCli(["listen", "--json", "--tunnel", "none", "--port", "0", ...args], {
      ...options,
      signal: controller.signal,
      onStdout: (chunk) => {
        seen += chunk;
        const line = seen.split("\n").find((l) => l.includes('"type":"ready"'));
        if (!line || ready) return;
        ready = true;
        const parsed = JSON.parse(line) as { local: string; inspector: string };
        resolve({
          webhook: parsed.local,
          inspector: parsed.inspector,
          stop: async () => {
            controller.abort("SIGINT");
            await done;
          },
        });
      },
    });
    void done.then((r) => reject(new Error(`listen ended (exit ${r.code}): ${r.stderr}`)));
  });
}

/** The id of the one delivery whose dedupe key, event or id matches `q`, once the inspector has it. */
export async function deliveryIdFor(inspector: string, q: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const page = (await (
      await fetch(new URL(`/api/deliveries?q=${encodeURIComponent(q)}`, inspector))
    ).json()) as {
      items: { id: string }[];
    };
    const id = page.items[0]?.id;
    if (id) return id;
    if (Date.now() > deadline) throw new Error(`no delivery matching ${q}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
