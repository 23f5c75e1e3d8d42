import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { serialiseRecord } from "../../src/core/capture-format.js";
import { signBracken } from "../../src/providers/bracken/sign.js";
import { signDfns } from "../../src/providers/dfns/sign.js";
import { PROVIDERS } from "../../src/providers/index.js";
import type { Provider } from "../../src/providers/types.js";
import { captureOf, HMAC_CAPTURES, HMAC_ENV } from "../helpers/captures.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

// Regression tests of the "Trust hardening" issue: each failed on the code before it.
const dir = tempDir();
const SECRET = "whs-trust-secret";
const NOW = new Date("2026-11-23T10:00:00Z");
const nowS = NOW.getTime() / 1000;
const DFNS_H = "X-DFNS-WEBHOOK-SIGNATURE";
const deep = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;
const fixtureLines = readFileSync(HMAC_CAPTURES, "utf8").split("\n").filter(Boolean);

function verifyBody(body: string, headers: string[], extra: string[] = []) {
  const name = `body-${Math.random().toString(36).slice(2)}.json`;
  writeFileSync(join(dir, name), body);
  const argv = ["verify", "--body", name, ...headers.flatMap((h) => ["-H", h]), "--json", ...extra];
  return runCli(argv, { cwd: dir, now: () => NOW });
}

function captureFile(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

describe("verify: deeply nested JSON gets a verdict, never a crash", () => {
  it("a validly signed 5,000-level Dfns body through --body verifies (was exit 70, stack overflow)", async () => {
    const body = `{"id":"whe-deep","kind":"wallet.created","timestampSent":${nowS},"data":${deep(5000)}}`;
    const r = await verifyBody(
      body,
      [`${DFNS_H}: ${signDfns(Buffer.from(body), SECRET)}`],
      ["--secret", SECRET],
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.lines[0]?.verified, true);
  });

  it("a 5,000-level body with a wrong signature fails with signature_mismatch, exit 1 (was exit 70)", async () => {
    const body = deep(5000);
    const r = await verifyBody(body, [`${DFNS_H}: sha256=${"ab".repeat(32)}`], ["--secret", SECRET]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.lines[0]?.reason, "signature_mismatch");
  });

  it("a deep record in a capture file does not lose the verdicts of the records after it", async () => {
    const bad = captureOf("deep-1", [[DFNS_H, `sha256=${"00".repeat(32)}`]], ` ${deep(5000)}`, NOW);
    const [first, ...rest] = fixtureLines;
    const path = captureFile("deep.jsonl", [first ?? "", serialiseRecord(bad).trim(), ...rest]);
    const r = await runCli(["verify", path, "--json"], { env: HMAC_ENV, cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      r.lines.map((l) => [l.id, l.verified]),
      [
        ["cap-dfns-1", true],
        ["deep-1", false],
        ["cap-dfns-2", true],
        ["cap-bracken-1", true],
        ["cap-kopokopo-1", true],
        ["cap-dfns-stale", false],
      ],
    );
  });
});

describe("verify: the compact-JSON fallback never verifies bytes that were not signed", () => {
  const signed = JSON.stringify({ event: "payment.created", id: "p-1", amount: "1", currency: "GBP" });
  const signature = signBracken(Buffer.from(signed), SECRET);

  it("duplicate-key smuggling is rejected with the exact reason (was VERIFIED via re-serialisation)", async () => {
    const smuggled = signed.replace('"amount":"1"', '"amount":"999999","amount":"1"');
    const r = await verifyBody(smuggled, [`Authorization: ${signature}`], ["--secret", SECRET]);
    assert.equal(r.code, 1, r.stderr);
    const line = r.lines[0] as { reason: string; checks: { name: string; ok: boolean; detail: string }[] };
    assert.equal(line.reason, "signature_mismatch");
    assert.deepEqual(line.checks.at(-1), {
      name: "signature",
      ok: false,
      detail:
        'hmac-sha256 of the raw body matches none of the 1 secret(s) given; JSON.stringify of the parsed body matches, but the body has duplicate key "amount" at $: a re-serialisation would hide bytes that were never signed',
    });
  });

  it("a body that differs only by whitespace still verifies, and says the compact form matched", async () => {
    const pretty = JSON.stringify(JSON.parse(signed), null, 2);
    const r = await verifyBody(pretty, [`Authorization: ${signature}`], ["--secret", SECRET]);
    assert.equal(r.code, 0, r.stderr);
    const line = r.lines[0] as { meta: { signedForm: string }; checks: { detail: string }[] };
    assert.equal(line.meta.signedForm, "compact");
    assert.match(line.checks[1]?.detail ?? "", /compact re-serialisation .*not the raw bytes/);
  });

  it("a body that needs an escape rewritten to match is not verified", async () => {
    const escaped = signed.replace('"amount":"1"', '"amount":"\\u0031"');
    const r = await verifyBody(escaped, [`Authorization: ${signature}`], ["--secret", SECRET]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.lines[0]?.reason, "signature_mismatch");
  });
});

describe("verify: one provider's missing configuration is a per-delivery verdict", () => {
  const forged = captureOf(
    "pps-forged",
    [
      ["Authorization", "Bearer x.y.z"],
      ["X-Pps-Topic", "orders/placed"],
    ],
    '{"orderId":"1"}',
    NOW,
  );

  it("a forged pps record does not stop the valid Dfns deliveries from verifying (was exit 3, no verdicts)", async () => {
    const dfns = fixtureLines.filter((line) => line.includes('"cap-dfns-'));
    const path = captureFile("forged.jsonl", [serialiseRecord(forged).trim(), ...dfns]);
    const r = await runCli(["verify", path, "--json", "--secret", "whs-fixture-secret"], { cwd: tempDir() });
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      r.lines.map((l) => [l.id, l.provider, l.reason]),
      [
        ["pps-forged", "pps", "no_secret"],
        ["cap-dfns-1", "dfns", null],
        ["cap-dfns-2", "dfns", null],
        ["cap-dfns-stale", "dfns", "timestamp_outside_window"],
      ],
    );
    const check = (r.lines[0]?.checks as { detail: string }[] | undefined)?.[0];
    assert.match(check?.detail ?? "", /no trusted issuers for pps: set PPS_TRUSTED_ISSUERS/);
  });

  it("when every delivery lacks its configuration, exit 3 names what to set after the verdicts", async () => {
    const path = captureFile("forged-only.jsonl", [serialiseRecord(forged).trim(), fixtureLines[0] ?? ""]);
    const r = await runCli(["verify", path, "--json"], { cwd: tempDir() });
    assert.equal(r.code, 3, r.stderr);
    assert.deepEqual(
      r.lines.map((l) => [l.type, l.reason]),
      [
        ["delivery", "no_secret"],
        ["delivery", "no_secret"],
        ["error", undefined],
      ],
    );
    // Under --json the error is also the last line on stdout, with its exit code.
    assert.equal(r.lines.at(-1)?.exitCode, 3);
    assert.match(String(r.lines.at(-1)?.message), /no trusted issuers for pps; no secret for dfns/);
    assert.match(r.stderr, /no trusted issuers for pps; no secret for dfns/);
    assert.match(r.stderr, /PPS_TRUSTED_ISSUERS/);
    assert.match(r.stderr, /DFNS_WEBHOOK_SECRET/);
  });

  it("an exception inside one verifier becomes that record's verdict and the batch goes on", async () => {
    const registry = PROVIDERS as Record<string, Provider>;
    const real = registry.bracken as Provider;
    registry.bracken = { ...real, verify: () => Promise.reject(new Error("boom")) };
    try {
      const r = await runCli(["verify", HMAC_CAPTURES, "--json"], { env: HMAC_ENV, cwd: dir });
      assert.equal(r.code, 1, r.stderr);
      const bracken = r.lines.find((l) => l.id === "cap-bracken-1");
      assert.equal(bracken?.reason, "malformed_body");
      assert.match(JSON.stringify(bracken?.checks), /verification crashed: boom/);
      assert.equal(r.lines.find((l) => l.id === "cap-kopokopo-1")?.verified, true);
    } finally {
      registry.bracken = real;
    }
  });
});
