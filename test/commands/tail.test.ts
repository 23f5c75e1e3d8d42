import assert from "node:assert/strict";
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parseCaptureText, serialiseRecord } from "../../src/core/capture-format.js";
import { signDfns } from "../../src/providers/dfns/sign.js";
import { runCli } from "../helpers/cli.js";
import { post, startListen } from "../helpers/listen.js";
import { tempDir } from "../helpers/tmp.js";

const SECRET = "whs-tail";
const H = "X-DFNS-WEBHOOK-SIGNATURE";
const body = (id: string, kind: string) =>
  JSON.stringify({ id, kind, timestampSent: Math.floor(Date.now() / 1000), data: {} });

async function capturedThree(): Promise<{ dir: string; capture: string }> {
  const dir = tempDir();
  const capture = join(dir, "cap.jsonl");
  const listen = await startListen(["--provider", "dfns", "--capture", capture], {
    env: { DFNS_WEBHOOK_SECRET: SECRET },
  });
  for (const [id, kind, good] of [
    ["whe-1", "wallet.created", true],
    ["whe-2", "wallet.transfer.confirmed", true],
    ["whe-3", "wallet.created", false],
  ] as const) {
    const b = body(id, kind);
    await post(listen.url, [[H, good ? signDfns(Buffer.from(b), SECRET) : `sha256=${"0".repeat(64)}`]], b);
  }
  await listen.stop();
  return { dir, capture };
}

describe("whtool tail", () => {
  test("prints captured deliveries as listen did, filtered by --event and --failed", async () => {
    const { dir, capture } = await capturedThree();
    const all = await runCli(["tail", capture], { cwd: dir });
    assert.equal(all.code, 0, all.stderr);
    assert.equal(all.stdout.match(/^\d\d:\d\d:\d\d\.\d{3} {2}dfns/gm)?.length, 3);
    const created = await runCli(["tail", capture, "--event", "wallet.created", "--json"], { cwd: dir });
    assert.deepEqual(
      created.lines.map((l) => l.verified),
      [true, false],
    );
    const failed = await runCli(["tail", capture, "--failed"], { cwd: dir });
    assert.equal(failed.stdout.match(/✗ signature_mismatch/g)?.length, 1);
    assert.doesNotMatch(failed.stdout, /✓ verified/);
  });

  test("--follow prints deliveries appended after it started, until Ctrl-C", async () => {
    const { dir, capture } = await capturedThree();
    const [first] = parseCaptureText(readFileSync(capture, "utf8"), capture).records;
    assert.ok(first);
    const controller = new AbortController();
    let seen = "";
    let arrived: () => void = () => undefined;
    const late = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const done = runCli(["tail", capture, "--follow", "--json"], {
      cwd: dir,
      signal: controller.signal,
      onStdout: (chunk) => {
        seen += chunk;
        if (seen.includes("whe-late")) arrived();
      },
    });
    await new Promise((wait) => setTimeout(wait, 300));
    assert.equal(seen.trim().split("\n").length, 3, "the three already captured");
    // A delivery lands in the file, as listen appends one.
    appendFileSync(
      capture,
      serialiseRecord({
        ...first,
        id: "d_late",
        verdict: { ...(first.verdict as object), dedupeKey: "whe-late" },
      }),
    );
    await late;
    controller.abort("SIGINT");
    assert.equal((await done).code, 0);
    assert.equal(seen.trim().split("\n").length, 4);
  });
});
