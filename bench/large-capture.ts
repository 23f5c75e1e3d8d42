// Figures for a large capture (the "Performance at scale" issue): `whtool verify` of a
// 100k-delivery capture against the streaming verifier a user writes by hand (hand-verifier.ts),
// each with its peak RSS, and `whtool listen` start-up (dedupe warm-up) over the same file.
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { serialiseRecord, toRecord } from "../src/core/capture-format.js";
import { signDfns } from "../src/providers/dfns/sign.js";
import { PROBE_ARGS, peakMbIn, runNode } from "./child-figures.js";

const DELIVERIES = 100_000;
const BIN = "bin/whtool.js";
const HAND_VERIFIER = new URL("./hand-verifier.js", import.meta.url).pathname;
const READER = new URL("../src/adapters/capture-reader.js", import.meta.url).href;
// The reader verify will stream through, alone: what reading and checking the lines costs.
const READ_ONLY = `import { readCaptureFileStream } from ${JSON.stringify(READER)};
let n = 0; for await (const line of readCaptureFileStream(process.argv[1])) if ("record" in line) n++;
process.stdout.write(String(n));`;

/** 100k signed Dfns deliveries, each a distinct event, ~1 KB a line as listen writes them. */
function writeCapture(path: string, secret: string): void {
  const at = new Date();
  const iat = Math.floor(at.getTime() / 1000);
  const fd = openSync(path, "w");
  try {
    let batch: string[] = [];
    for (let n = 0; n < DELIVERIES; n++) {
      const body = Buffer.from(
        JSON.stringify({ id: `whe-${n}`, kind: "wallet.created", timestampSent: iat, pad: "x".repeat(400) }),
      );
      const record = toRecord(
        {
          id: `d${n}`,
          method: "POST",
          path: "/webhooks",
          headers: [
            ["Content-Type", "application/json"],
            ["X-DFNS-WEBHOOK-SIGNATURE", signDfns(body, secret)],
          ],
          body,
          receivedAt: at,
          remote: "127.0.0.1",
        },
        {
          provider: "dfns",
          verdict: { provider: "dfns", dedupeKey: `whe-${n}`, meta: {} },
          response: { status: 200 },
        },
      );
      batch.push(serialiseRecord(record));
      if (batch.length === 1000) {
        writeSync(fd, batch.join(""));
        batch = [];
      }
    }
    writeSync(fd, batch.join(""));
  } finally {
    closeSync(fd);
  }
}

/** Starts listen over the capture; resolves with its time to the ready line and RSS figures. */
function listenStartUp(capture: string, secret: string) {
  return new Promise<{ readyMs: number; rssAtReadyMb: number; peakMb: number }>((resolve, reject) => {
    const start = performance.now();
    const child = spawn(
      process.execPath,
      [...PROBE_ARGS, BIN, "listen", "--json", "--tunnel", "none", "--port", "0", "--capture", capture],
      { env: { PATH: process.env.PATH ?? "", DFNS_WEBHOOK_SECRET: secret } },
    );
    let stdout = "";
    let stderr = "";
    let readyMs = 0;
    let rssAtReadyMb = 0;
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.stdout.on("data", (d: Buffer) => {
      stdout += d;
      if (readyMs > 0 || !stdout.includes('"type":"ready"')) return;
      readyMs = performance.now() - start;
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      rssAtReadyMb = Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024);
      child.kill("SIGTERM");
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (readyMs === 0) reject(new Error(`listen exited ${code} before ready: ${stderr}`));
      else resolve({ readyMs, rssAtReadyMb, peakMb: peakMbIn(stderr) });
    });
  });
}

export async function benchLargeCapture(dir: string, secret: string): Promise<void> {
  const capture = join(dir, "large.jsonl");
  writeCapture(capture, secret);
  const mb = (statSync(capture).size / 2 ** 20).toFixed(0);
  const env = { DFNS_WEBHOOK_SECRET: secret };
  try {
    const hand = await runNode([HAND_VERIFIER, capture, secret], env);
    if (hand.code !== 0) throw new Error(`hand verifier exited ${hand.code}: ${hand.stderr}`);
    const whtool = await runNode([BIN, "verify", "--json", capture], env, true);
    const ratio = (whtool.ms / hand.ms).toFixed(2);
    const reader = await runNode(["--input-type=module", "-e", READ_ONLY, capture], env);
    process.stdout.write(
      `verify of a ${DELIVERIES.toLocaleString("en")}-delivery capture (${mb} MB): whtool ${whtool.ms.toFixed(0)} ms, peak ${whtool.peakMb} MB (exit ${whtool.code}); hand-written streaming verifier ${hand.ms.toFixed(0)} ms, peak ${hand.peakMb} MB; ratio ${ratio}×\n  whtool's streaming capture reader alone (read + parse + check each line, no verify): ${reader.ms.toFixed(0)} ms, peak ${reader.peakMb} MB, ${reader.stdout} records\n`,
    );
    const listen = await listenStartUp(capture, secret);
    process.stdout.write(
      `listen start-up over that capture (dedupe warm-up): ready in ${listen.readyMs.toFixed(0)} ms, RSS ${listen.rssAtReadyMb} MB at ready, peak ${listen.peakMb} MB\n`,
    );
  } finally {
    rmSync(capture, { force: true });
  }
}
