import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, test } from "node:test";
import { signDfns } from "../../src/providers/dfns/sign.js";
import { captureOf, writeCaptures } from "../helpers/captures.js";
import { BIN, runCli } from "../helpers/cli.js";
import { post, startListen } from "../helpers/listen.js";
import { tempDir } from "../helpers/tmp.js";

const AT = new Date("2026-11-23T10:00:00Z");

function spawnBytes(argv: string[], cwd: string): Promise<{ code: number; stdout: Buffer }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], { cwd, stdio: ["ignore", "pipe", "ignore"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => chunks.push(d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(chunks) }));
  });
}

describe("whtool show", () => {
  test("a delivery captured by listen: method, path, headers in received order, pretty body, verdict, answer", async () => {
    const dir = tempDir();
    const capture = join(dir, "cap.jsonl");
    const secret = "whs-show";
    const body = JSON.stringify({
      id: "whe-1",
      kind: "wallet.created",
      timestampSent: Math.floor(Date.now() / 1000),
    });
    const listen = await startListen(["--capture", capture], { env: { DFNS_WEBHOOK_SECRET: secret } });
    await post(
      listen.url,
      [
        ["Zeta", "last-alphabetically-first-sent"],
        ["X-DFNS-WEBHOOK-SIGNATURE", signDfns(Buffer.from(body), secret)],
        ["Content-Type", "application/json"],
      ],
      body,
    );
    const result = await listen.stop();
    const id = String(result.lines.find((l) => l.type === "delivery")?.id);

    const shown = await runCli(["show", id, "--capture", capture], { cwd: dir });
    assert.equal(shown.code, 0, shown.stderr);
    const out = shown.stdout;
    assert.match(out, new RegExp(`^POST /webhooks  id ${id}, received `, "m"));
    const zeta = out.indexOf("Zeta: last-alphabetically-first-sent");
    const sig = out.indexOf("X-DFNS-WEBHOOK-SIGNATURE: sha256=");
    assert.ok(zeta >= 0 && sig > zeta, "headers in the order they were sent");
    assert.match(out, /^ {2}"kind": "wallet\.created",$/m, "the body pretty-printed");
    assert.match(out, /^whtool answered 200$/m);
    assert.match(out, /VERIFIED|✓ signature/);

    // A unique prefix is enough, as with git.
    const prefixed = await runCli(["show", id.slice(0, id.length - 3), "--capture", capture], { cwd: dir });
    assert.equal(prefixed.code, 0, prefixed.stderr);
  });

  test("--raw writes the exact body bytes and nothing else (binary included)", async () => {
    const dir = tempDir();
    const bytes = Buffer.from([0x00, 0xff, 0x1b, 0x5b, 0x32, 0x4a, 0x0a, 0x80]);
    writeCaptures(dir, "c.jsonl", [captureOf("d_raw1", [["X-A", "1"]], bytes, AT)]);
    const raw = await spawnBytes(["show", "d_raw1", "--capture", "c.jsonl", "--raw"], dir);
    assert.equal(raw.code, 0);
    assert.deepEqual(raw.stdout, bytes);
  });

  test("hostile bytes never reach the terminal; binary bodies are named, not printed", async () => {
    const dir = tempDir();
    writeCaptures(dir, "c.jsonl", [
      captureOf(
        "d_evil",
        [["X-Evil\u001b[2J", "v\r\nInjected: yes"]],
        '{"kind":"\\u001b[32m✓ verified"}',
        AT,
      ),
      captureOf("d_bin", [], Buffer.from([0xff, 0xfe, 0x00]), AT),
    ]);
    const evil = await runCli(["show", "d_evil", "--capture", "c.jsonl"], { cwd: dir });
    assert.equal(evil.code, 0, evil.stderr);
    assert.ok(!evil.stdout.includes("\u001b"), "no ESC byte reaches the terminal");
    assert.match(evil.stdout, /X-Evil\\u001b\[2J: v\\r\\nInjected: yes/);
    const bin = await runCli(["show", "d_bin", "--capture", "c.jsonl"], { cwd: dir });
    assert.match(bin.stdout, /\(3 bytes, not UTF-8 text: --raw writes them exactly\)/);
  });

  test("an unknown id is a usage error naming the file", async () => {
    const dir = tempDir();
    writeCaptures(dir, "c.jsonl", [captureOf("d_a1", [], "{}", AT), captureOf("d_a2", [], "{}", AT)]);
    const none = await runCli(["show", "d_zz", "--capture", "c.jsonl"], { cwd: dir });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no delivery with id d_zz in c\.jsonl/);
    const ambiguous = await runCli(["show", "d_a", "--capture", "c.jsonl"], { cwd: dir });
    assert.equal(ambiguous.code, 2);
    assert.match(ambiguous.stderr, /several ids start with d_a: d_a1, d_a2/);
  });
});
