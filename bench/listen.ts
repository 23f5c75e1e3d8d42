// Listener throughput, as wrk -t1 -c32 measures it but in Node (wrk is not on a fresh clone): an
// undici Pool of 32 connections, pipelining 1, posting one signed 1.4 KB Dfns delivery for a fixed
// time. Three servers run one after another in their own processes: a bare node:http server, the
// verifier a user writes by hand from the Dfns guide (listen-hand-server.ts), and `whtool listen
// --json > /dev/null` capturing to a file. Figures, not assertions.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Pool } from "undici";
import { signDfns } from "../src/providers/dfns/sign.js";
import { PROBE_ARGS, peakMbIn } from "./child-figures.js";

const CONNECTIONS = 32;

export interface ListenBenchOptions {
  readonly dir: string;
  readonly secret: string;
  /** Load time per server. */
  readonly seconds: number;
  /** Extra node flags for the listen child (e.g. --cpu-prof). */
  readonly listenNodeArgs?: readonly string[];
}

interface Figures {
  readonly rps: number;
  /** The server's own CPU time per request (Linux /proc; NaN elsewhere): steadier than req/s on a busy machine. */
  readonly cpuUs: number;
  readonly ok: number;
  readonly other: number;
  readonly peakMb: number;
}

export async function benchListen(options: ListenBenchOptions): Promise<void> {
  const body = Buffer.from(
    JSON.stringify({
      id: "whe-bench",
      date: new Date().toISOString(),
      kind: "wallet.transfer.confirmed",
      data: { transferRequest: { id: "xfr-bench", pad: "x".repeat(1200) } },
      timestampSent: Math.floor(Date.now() / 1000),
      deliveryAttempt: 1,
    }),
  );
  const headers = {
    "content-type": "application/json",
    "x-dfns-webhook-signature": signDfns(body, options.secret),
  };
  const hand = join(import.meta.dirname, "listen-hand-server.js");
  const bin = join(import.meta.dirname, "../../bin/whtool.js");
  const run = (args: string[], nodeArgs: readonly string[] = []) =>
    load(args, nodeArgs, body, headers, options.seconds, options.secret);
  const bare = await run([hand, "0", "bare", join(options.dir, "bare.log")]);
  const verifier = await run([hand, "0", options.secret, join(options.dir, "hand.log")]);
  const listen = await run(
    [
      bin,
      "listen",
      "--json",
      "--tunnel",
      "none",
      "--provider",
      "dfns",
      "--capture",
      join(options.dir, "listen-bench.jsonl"),
      "--port",
    ],
    options.listenNodeArgs,
  );
  const line = (name: string, f: Figures, ratios: string) =>
    `  ${name.padEnd(34)} ${Math.round(f.rps).toLocaleString("en").padStart(7)} req/s  ${f.cpuUs.toFixed(0).padStart(4)} µs CPU/req  peak RSS ${String(f.peakMb).padStart(4)} MB  ${ratios}${f.other > 0 ? `  (${f.other} not 200)` : ""}\n`;
  process.stdout.write(
    `listen throughput (${CONNECTIONS} connections, ${options.seconds} s each, signed ${body.length}-byte Dfns POST)\n` +
      line("bare node:http", bare, "") +
      line("hand-written Dfns verifier", verifier, `${(verifier.rps / bare.rps).toFixed(2)}× bare`) +
      line(
        "whtool listen --json (capture on)",
        listen,
        `${(listen.rps / verifier.rps).toFixed(2)}× hand-written, ${(listen.rps / bare.rps).toFixed(2)}× bare (req/s)`,
      ),
  );
}

/** A free loopback port: listen gets it as --port, so its stdout can stay /dev/null. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Starts `node args… PORT`, waits until it answers, loads it for `seconds`, stops it with SIGTERM. */
async function load(
  args: string[],
  nodeArgs: readonly string[],
  body: Buffer,
  headers: Record<string, string>,
  seconds: number,
  secret: string,
): Promise<Figures> {
  const port = await freePort();
  const argv = [...args];
  // The hand-written servers take the port as their first argument; listen as --port's value.
  if (argv[argv.length - 1] === "--port") argv.push(String(port));
  else argv[1] = String(port);
  const child = spawn(process.execPath, [...nodeArgs, ...PROBE_ARGS, ...argv], {
    env: { PATH: process.env.PATH ?? "", DFNS_WEBHOOK_SECRET: secret, NO_COLOR: "1" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
  const origin = `http://127.0.0.1:${port}`;
  const pool = new Pool(origin, { connections: CONNECTIONS, pipelining: 1 });
  try {
    await untilAnswering(
      pool,
      () => child.exitCode,
      () => stderr,
    );
    // Warm up (JIT, connections), then measure.
    await hammer(pool, body, headers, 500);
    const cpuBefore = cpuMs(child.pid);
    const { count, ok, ms } = await hammer(pool, body, headers, seconds * 1000);
    const cpuUs = ((cpuMs(child.pid) - cpuBefore) * 1000) / count;
    child.kill("SIGTERM");
    await exited;
    return { rps: (count / ms) * 1000, cpuUs, ok, other: count - ok, peakMb: peakMbIn(stderr) };
  } finally {
    await pool.close();
    if (child.exitCode === null) child.kill("SIGKILL");
  }
}

/** User + system CPU milliseconds a process has used so far, from /proc (clock ticks of 10 ms). */
function cpuMs(pid: number | undefined): number {
  try {
    // Fields after the command name, which is in parentheses and may hold spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

async function untilAnswering(
  pool: Pool,
  exitCode: () => number | null,
  stderr: () => string,
): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (exitCode() !== null) break;
    try {
      const response = await pool.request({ path: "/", method: "GET" });
      await response.body.dump();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`bench server did not start: ${stderr()}`);
}

/** CONNECTIONS request loops for `ms`: each posts, reads the answer, posts again. */
async function hammer(pool: Pool, body: Buffer, headers: Record<string, string>, ms: number) {
  let count = 0;
  let ok = 0;
  const started = performance.now();
  const end = started + ms;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < end) {
        const response = await pool.request({ path: "/webhooks", method: "POST", headers, body });
        await response.body.dump();
        count++;
        if (response.statusCode === 200) ok++;
      }
    }),
  );
  return { count, ok, ms: performance.now() - started };
}
