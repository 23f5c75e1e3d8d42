import assert from "node:assert/strict";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseCaptureText } from "../../src/core/capture-format.js";
import { signDfns } from "../../src/providers/dfns/sign.js";
import { captureOf, writeCaptures } from "../helpers/captures.js";
import { BIN } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const SECRET = "whs-epipe";

function start(argv: string[], cwd: string): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [BIN, ...argv], {
    cwd,
    env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", DFNS_WEBHOOK_SECRET: SECRET },
    stdio: ["pipe", "pipe", "pipe"],
  });
}

/** Waits for the process to end; its exit code and everything it wrote to stderr. */
function ended(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; stderr: string }> {
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

/** What `| head -1` does: read the first chunk, then close the pipe. */
function closeAfterFirstChunk(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve) => {
    child.stdout.once("data", (chunk: Buffer) => {
      child.stdout.destroy();
      resolve(chunk.toString("utf8"));
    });
  });
}

function assertQuiet(stderr: string): void {
  assert.doesNotMatch(stderr, /EPIPE|internal error|\n\s+at /, stderr);
}

function dfnsCapture(n: number, at: Date) {
  const body = Buffer.from(
    JSON.stringify({ id: `whe-${n}`, kind: "wallet.transfer.confirmed", timestampSent: at.getTime() / 1000 }),
  );
  return captureOf(`cap-${n}`, [["X-DFNS-WEBHOOK-SIGNATURE", signDfns(body, SECRET)]], body, at, "dfns");
}

describe("a closed stdout ends a command quietly (| head)", () => {
  it("whtool --help with its reader gone exits 0 without an EPIPE stack", async () => {
    const child = start(["--help"], tempDir());
    child.stdout.destroy(); // the reader is gone before the first write
    child.stdin.end();
    const { code, stderr } = await ended(child);
    assertQuiet(stderr);
    assert.equal(code, 0);
  });

  it("verify --json over thousands of records: output stops, the exit code is still the verdict's", async () => {
    const dir = tempDir();
    const at = new Date("2026-11-23T10:00:00Z");
    const file = writeCaptures(
      dir,
      "many.jsonl",
      Array.from({ length: 3000 }, (_, n) => dfnsCapture(n, at)),
    );
    const child = start(["verify", file, "--json"], dir);
    child.stdin.end();
    const done = ended(child);
    const first = await closeAfterFirstChunk(child);
    assert.match(first, /^\{"type":"delivery","id":"cap-0"/);
    const { code, stderr } = await done;
    assertQuiet(stderr);
    assert.equal(code, 0, "every delivery verified, as it would have said with its output read");
  });

  it("listen --json keeps capturing every delivery after its stdout is closed, and exits 0 on SIGTERM", async () => {
    const dir = tempDir();
    const capture = join(dir, "captures.jsonl");
    const child = start(
      ["listen", "--json", "--tunnel", "none", "--port", "0", "--provider", "dfns", "--capture", capture],
      dir,
    );
    child.stdin.end();
    const done = ended(child);
    const ready = JSON.parse((await closeAfterFirstChunk(child)).split("\n")[0] ?? "") as { local: string };
    const statuses: number[] = [];
    for (let n = 0; n < 3; n++) {
      const body = JSON.stringify({
        id: `whe-${n}`,
        kind: "wallet.transfer.confirmed",
        timestampSent: Date.now() / 1000,
      });
      const response = await fetch(ready.local, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "X-DFNS-WEBHOOK-SIGNATURE": signDfns(Buffer.from(body), SECRET),
        },
        body,
      });
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    assert.deepEqual(statuses, [200, 200, 200]);
    child.kill("SIGTERM");
    const { code, stderr } = await done;
    assertQuiet(stderr);
    assert.equal(code, 0);
    const records = parseCaptureText(readFileSync(capture, "utf8"), capture).records;
    assert.deepEqual(
      records.map((r) => JSON.parse(Buffer.from(r.bodyBase64, "base64").toString()).id),
      ["whe-0", "whe-1", "whe-2"],
    );
  });
});
