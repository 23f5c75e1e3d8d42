import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { captureOf, writeCaptures } from "../helpers/captures.js";
import { runCli } from "../helpers/cli.js";
import { post, startListen } from "../helpers/listen.js";
import { tempDir } from "../helpers/tmp.js";

// The issue's reproduction: an unsigned body whose `kind` draws a green "✓ verified → 200" line
// and then hides everything after it (ESC[8m), including the real "✗ signature_mismatch".
const KIND = "wallet.transfer.confirmed  \u001b[32m✓ verified\u001b[0m  → 200\n\u001b[8m";
const BODY = JSON.stringify({ id: "whe-evil", kind: KIND, timestampSent: 1_795_428_000 });
const HEADERS: [string, string][] = [
  ["Content-Type", "application/json"],
  ["X-DFNS-WEBHOOK-SIGNATURE", `sha256=${"0".repeat(64)}`],
];

function assertNeutralised(output: string): void {
  assert.ok(!output.includes("\u001b"), `an ESC byte reached the terminal: ${JSON.stringify(output)}`);
  const forged = output.split("\n").filter((line) => line.trimStart().startsWith("✓ verified"));
  assert.deepEqual(forged, [], "a forged line of its own");
  assert.match(output, /\\u001b\[32m✓ verified\\u001b\[0m {2}→ 200\\n\\u001b\[8m/, "shown, escaped");
}

describe("a delivery cannot forge terminal output", () => {
  it("listen (human output): the fake '✓ verified' stays inside the event name and the real failure shows", async () => {
    const cwd = tempDir();
    const listen = await startListen(["--provider", "dfns", "--no-capture"], {
      cwd,
      env: { DFNS_WEBHOOK_SECRET: "whs-real" },
      json: false,
    });
    const answer = await post(listen.url, HEADERS, BODY);
    assert.equal(answer.status, 401);
    const r = await listen.stop();
    assertNeutralised(r.stderr + r.stdout);
    const headline = (r.stderr + r.stdout)
      .split("\n")
      .find((line) => line.includes("whe-evil") || line.includes("wallet.transfer"));
    assert.match(headline ?? "", /✗ signature_mismatch {2}→ 401/);
  });

  it("verify (human output): the capture's fake line is escaped and NOT VERIFIED is printed", async () => {
    const dir = tempDir();
    const file = writeCaptures(dir, "evil.jsonl", [
      captureOf("cap-evil\u001b[2K", HEADERS, BODY, new Date("2026-11-23T10:00:00Z"), "dfns"),
    ]);
    const r = await runCli(["verify", file], { cwd: dir, env: { DFNS_WEBHOOK_SECRET: "whs-real" } });
    assert.equal(r.code, 1);
    const output = r.stderr + r.stdout;
    assertNeutralised(output);
    assert.match(output, /NOT VERIFIED: signature_mismatch/);
    assert.match(output, /id cap-evil\\u001b\[2K/);
  });

  it("verify: a delivery header value with CR/LF and bidi characters stays on its line, escaped", async () => {
    const dir = tempDir();
    const topic = "payment.settled\r\n  \u2066✓ verified\u2069 \u202eevil";
    const file = writeCaptures(dir, "evil.jsonl", [
      captureOf("cap-header", [["X-Pps-Topic", topic]], "{}", new Date("2026-11-23T10:00:00Z"), "pps"),
    ]);
    const r = await runCli(["verify", file], {
      cwd: dir,
      env: { PPS_TRUSTED_ISSUERS: "https://issuer.example=aud" },
    });
    assert.equal(r.code, 1);
    const output = r.stderr + r.stdout;
    assert.ok(!/[\r\u202e\u2066\u2069]/u.test(output), JSON.stringify(output));
    assert.ok(!output.split("\n").some((line) => line.trimStart().startsWith("✓ verified")));
    assert.match(output, /X-Pps-Topic: payment\.settled\\r\\n {2}\\u2066✓ verified\\u2069 \\u202eevil/);
    assert.match(output, /NOT VERIFIED: missing_header/);
  });
});
