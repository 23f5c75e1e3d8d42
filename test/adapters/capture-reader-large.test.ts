import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { closeSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { serialiseRecord } from "../../src/core/capture-format.js";
import { captureOf } from "../helpers/captures.js";
import { BIN } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

// The 573 MB capture made verify fail ("Invalid string length") and listen exit 70.
const RECORDS_PER_CHUNK = 1000;
const CHUNKS = 540;
const RECORDS = RECORDS_PER_CHUNK * CHUNKS;
const RSS_LIMIT_MB = 250;
const MARK = "000000";

/**
 * Writes a capture of over 512 MB fast: one prepared chunk of records, written again and again
 * with only the chunk number in each event key changed, so every event is distinct for dedupe.
 */
function writeLargeCapture(path: string): void {
  const at = new Date("2026-11-23T10:00:00Z");
  const lines = Array.from({ length: RECORDS_PER_CHUNK }, (_, n) => {
    const record = captureOf(`d${n}`, [["X-N", String(n)]], "p".repeat(700), at, "dfns");
    return serialiseRecord({
      ...record,
      verdict: { provider: "dfns", dedupeKey: `whe-${MARK}-${n}`, meta: {} },
    });
  });
  const chunk = Buffer.from(lines.join(""));
  const marks: number[] = [];
  for (let at = chunk.indexOf(MARK); at !== -1; at = chunk.indexOf(MARK, at + MARK.length)) marks.push(at);
  const fd = openSync(path, "w");
  try {
    for (let c = 0; c < CHUNKS; c++) {
      const stamp = String(c).padStart(MARK.length, "0");
      for (const at of marks) chunk.write(stamp, at, "latin1");
      writeSync(fd, chunk);
    }
  } finally {
    closeSync(fd);
  }
}

/** Runs node with args; resolves with stdout, stderr and exit code. */
function node(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? "", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("a capture over 512 MB", { timeout: 240_000 }, () => {
  const path = join(tempDir(), "large.jsonl");
  before(() => writeLargeCapture(path));
  after(() => rmSync(path, { force: true }));

  it("streams every record in bounded memory (regression: the whole file was read as one string)", async () => {
    assert.ok(statSync(path).size > 512 * 1024 * 1024);
    const reader = new URL("../../src/adapters/capture-reader.js", import.meta.url).href;
    const script = `
      import { readCaptureFileStream } from ${JSON.stringify(reader)};
      let records = 0, warnings = 0, peak = 0;
      const sample = () => { peak = Math.max(peak, process.memoryUsage().rss); };
      const timer = setInterval(sample, 20);
      for await (const line of readCaptureFileStream(process.argv[1])) {
        if ("record" in line) records++; else warnings++;
      }
      clearInterval(timer);
      sample();
      const maxRss = process.resourceUsage().maxRSS * 1024;
      process.stdout.write(JSON.stringify({ records, warnings, peak: Math.max(peak, maxRss) }));
    `;
    const r = await node(["--input-type=module", "-e", script, path]);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { records: number; warnings: number; peak: number };
    assert.equal(result.records, RECORDS);
    assert.equal(result.warnings, 0);
    assert.ok(result.peak < RSS_LIMIT_MB * 1024 * 1024, `peak RSS ${Math.round(result.peak / 2 ** 20)} MB`);
  });

  it("listen warms its dedupe index from it, in bounded memory, and finds a duplicate from it", async () => {
    const probe = `
      process.on("exit", () => process.stderr.write("maxrss=" + process.resourceUsage().maxRSS + "\\n"));
    `;
    const env = { DFNS_WEBHOOK_SECRET: "whs-large", NO_COLOR: "1" };
    const child = spawn(
      process.execPath,
      [
        // The young generation as Node 20 sizes it by default: Node 22+ picks a larger one on big
        // machines (listen then peaked near 300 MB of short-lived garbage, with the same 80 MB live).
        // The bound is on what whtool keeps, not on V8's nursery.
        "--max-semi-space-size=16",
        "--import",
        `data:text/javascript,${encodeURIComponent(probe)}`,
        BIN,
        "listen",
        "--json",
        "--tunnel",
        "none",
        "--port",
        "0",
        "--capture",
        path,
      ],
      { env: { PATH: process.env.PATH ?? "", ...env } },
    );
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        stdout += d;
        const ready = stdout.split("\n").find((l) => l.includes('"type":"ready"'));
        if (ready) resolve(String((JSON.parse(ready) as { local: string }).local));
      });
      void exited.then((code) => reject(new Error(`listen exited ${code} before ready: ${stderr}`)));
    });
    // An event from deep inside the file, sent again: the warm-up must have remembered it.
    const { signDfns } = await import("../../src/providers/dfns/sign.js");
    const body = JSON.stringify({
      id: "whe-000433-7",
      kind: "wallet.created",
      timestampSent: Math.floor(Date.now() / 1000),
    });
    const response = await fetch(url, {
      method: "POST",
      headers: { "X-DFNS-WEBHOOK-SIGNATURE": signDfns(Buffer.from(body), env.DFNS_WEBHOOK_SECRET) },
      body,
    });
    assert.equal(response.status, 200);
    await response.text();
    child.kill("SIGTERM");
    assert.equal(await exited, 0, stderr);
    const delivery = stdout.split("\n").find((l) => l.includes('"type":"delivery"'));
    assert.equal((JSON.parse(delivery ?? "{}") as { duplicateOf: unknown }).duplicateOf, "d7");
    const maxRssKb = Number(/maxrss=(\d+)/.exec(stderr)?.[1]);
    assert.ok(
      maxRssKb * 1024 < RSS_LIMIT_MB * 1024 * 1024,
      `listen peak RSS ${Math.round(maxRssKb / 1024)} MB`,
    );
  });
});
