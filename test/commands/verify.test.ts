import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { signDfns } from "../../src/providers/dfns/sign.js";
import { moneykitHeaders, signMoneyKit } from "../../src/providers/moneykit/sign.js";
import { ppsHeaders, signPpsToken } from "../../src/providers/pps/sign.js";
import { generateSigningKey, jwksOf } from "../../src/providers/signing-key.js";
import { captureOf, HMAC_CAPTURES, HMAC_ENV, writeCaptures } from "../helpers/captures.js";
import { runCli } from "../helpers/cli.js";
import { closedPort, serveJson } from "../helpers/http-server.js";
import { tempDir } from "../helpers/tmp.js";

const dir = tempDir();
const mk = await generateSigningKey("ES256", "mk-1");
const ppsKey = await generateSigningKey("RS256", "pps-1");
const server = await serveJson({ "/.well-known/jwks.json": jwksOf([mk]) });
after(() => server.close());
const ISSUER = `${server.url}/issuer`;
server.set("/issuer/.well-known/openid-configuration", 200, {
  issuer: ISSUER,
  jwks_uri: `${server.url}/pps-jwks`,
});
server.set("/pps-jwks", 200, jwksOf([ppsKey]));

const receivedAt = new Date("2026-11-23T10:00:00Z");
const iat = receivedAt.getTime() / 1000 - 1;
const mkBody = JSON.stringify({
  webhook_event: "link.product_refresh",
  webhook_idempotency_key: "idem-1",
  link_id: "mk_1",
});
const mkCapture = captureOf(
  "mk-1",
  moneykitHeaders(await signMoneyKit(Buffer.from(mkBody), mk, { iat }), "dt-1", 2),
  mkBody,
  receivedAt,
);
const ppsToken = await signPpsToken(ppsKey, { issuer: ISSUER, audience: "proj", subject: "s", iat });
const ppsCapture = captureOf(
  "pps-1",
  ppsHeaders(ppsToken, {
    topic: "orders/placed",
    tenantId: "OU1",
    webhookId: "w-1",
    triggeredAt: "2026-11-23T09:59:59.0000000Z",
  }),
  '{"orderId":"1"}',
  receivedAt,
);
const JWT_CAPTURES = writeCaptures(dir, "jwt.jsonl", [mkCapture, ppsCapture]);
const JWT_ENV = { MONEYKIT_API_URL: server.url, PPS_TRUSTED_ISSUERS: `${ISSUER}=proj` };

describe("whtool verify (in-process)", () => {
  it("verifies every line of a capture file and prints one verdict per delivery with --json", async () => {
    const r = await runCli(["verify", HMAC_CAPTURES, "--json"], { env: HMAC_ENV, cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    const byId = Object.fromEntries(r.lines.map((l) => [l.id, l]));
    assert.equal(r.lines.length, 5);
    assert.equal(byId["cap-dfns-1"]?.verified, true);
    assert.equal(byId["cap-dfns-2"]?.duplicateOf, "cap-dfns-1");
    assert.equal(byId["cap-bracken-1"]?.verified, true);
    assert.equal(byId["cap-kopokopo-1"]?.verified, true);
    assert.equal(byId["cap-dfns-stale"]?.reason, "timestamp_outside_window");
    for (const line of r.lines) assert.equal(line.type, "delivery");
  });

  it("tells the human each check with a mark, the reason and a summary, on stdout (verify | grep finds them)", async () => {
    const r = await runCli(["verify", HMAC_CAPTURES], { env: HMAC_ENV, cwd: dir });
    assert.equal(r.stderr, "");
    assert.match(r.stdout, /✗ timestamp\s+sent 612 s before receipt; window 300 s/);
    assert.match(r.stdout, /NOT VERIFIED: timestamp_outside_window/);
    assert.match(r.stdout, /duplicate of cap-dfns-1/);
    assert.match(r.stdout, /5 deliveries: 4 verified, 1 failed/);
  });

  it("--id picks one delivery; exit 0 when it verifies", async () => {
    const r = await runCli(["verify", HMAC_CAPTURES, "--id", "cap-kopokopo-1", "--json"], { env: HMAC_ENV });
    assert.equal(r.code, 0);
    assert.equal(r.lines.length, 1);
  });

  it("--at moves the judging time", async () => {
    const r = await runCli(
      ["verify", HMAC_CAPTURES, "--id", "cap-dfns-1", "--at", "2026-11-23T10:10:00Z", "--json"],
      {
        env: HMAC_ENV,
      },
    );
    assert.equal(r.lines[0]?.reason, "timestamp_outside_window");
    const now = await runCli(["verify", HMAC_CAPTURES, "--id", "cap-dfns-1", "--at", "now", "--json"], {
      env: HMAC_ENV,
      now: () => new Date("2026-11-23T10:01:00Z"),
    });
    assert.equal(now.lines[0]?.verified, true);
  });

  it("reads the secret from .env, and the environment wins over it", async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, ".env"), "DFNS_WEBHOOK_SECRET=whs-fixture-secret\n");
    const fromFile = await runCli(["verify", HMAC_CAPTURES, "--id", "cap-dfns-1", "--json"], { cwd });
    assert.equal(fromFile.code, 0, fromFile.stderr);
    const overridden = await runCli(["verify", HMAC_CAPTURES, "--id", "cap-dfns-1", "--json"], {
      cwd,
      env: { DFNS_WEBHOOK_SECRET: "whs-wrong" },
    });
    assert.equal(overridden.lines[0]?.reason, "signature_mismatch");
  });

  it("exits 3 naming the variable when no delivery has its secret, and never prints secrets", async () => {
    // A --secret-env naming an unset variable is a mistake in the command line: usage (2), naming it.
    const r = await runCli(["verify", HMAC_CAPTURES, "--secret-env", "NOPE"], { env: HMAC_ENV });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--secret-env NOPE/);
    const none = await runCli(["verify", HMAC_CAPTURES], { cwd: tempDir() });
    assert.equal(none.code, 3);
    assert.match(none.stderr, /DFNS_WEBHOOK_SECRET/);
    const ok = await runCli(["verify", HMAC_CAPTURES, "--json"], { env: HMAC_ENV });
    for (const secret of Object.values(HMAC_ENV)) assert.ok(!(ok.stdout + ok.stderr).includes(secret));
  });

  it("--secret repeats for rotation", async () => {
    const r = await runCli([
      "verify",
      HMAC_CAPTURES,
      "--id",
      "cap-dfns-1",
      "--secret",
      "new",
      "--secret",
      "whs-fixture-secret",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /secret 2 of 2/);
  });

  it("reads a capture from stdin with -", async () => {
    const line = readFileSync(HMAC_CAPTURES, "utf8").split("\n")[0];
    const r = await runCli(["verify", "-", "--json"], { env: HMAC_ENV, stdin: `${line}\n` });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.lines[0]?.id, "cap-dfns-1");
  });

  it("verifies a hand-given delivery judged now", async () => {
    const body = JSON.stringify({ id: "whe-h", kind: "wallet.created", timestampSent: 1_795_000_000 });
    writeFileSync(join(dir, "hand.json"), body);
    const r = await runCli(
      [
        "verify",
        "--body",
        "hand.json",
        "-H",
        `X-DFNS-WEBHOOK-SIGNATURE: ${signDfns(Buffer.from(body), "s3")}`,
        "--secret",
        "s3",
        "--json",
      ],
      { cwd: dir, now: () => new Date(1_795_000_100_000) },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.lines[0]?.provider, "dfns");
  });

  it("refuses a malformed -H with exit 2", async () => {
    const r = await runCli(["verify", "--body", "-", "-H", "no colon here"], { stdin: "{}" });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not a "Name: value" header/);
  });

  it("skips a truncated last line with a warning and verifies the rest", async () => {
    const path = join(dir, "truncated.jsonl");
    copyFileSync(HMAC_CAPTURES, path);
    writeFileSync(path, `${readFileSync(path, "utf8")}{"v":1,"id":"cut-sh`);
    const r = await runCli(["verify", path, "--json"], { env: HMAC_ENV });
    assert.equal(r.lines.length, 5);
    assert.match(r.stderr, /last line is truncated/);
  });

  it("an empty capture file exits 1 saying there was nothing to verify", async () => {
    writeFileSync(join(dir, "empty.jsonl"), "");
    const r = await runCli(["verify", join(dir, "empty.jsonl")]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no deliveries in .*empty\.jsonl/);
  });

  it("regression: a file that is not a capture at all is a usage error (exit 2), not 'nothing verified' (1)", async () => {
    writeFileSync(join(dir, "notes.txt"), "hello\nworld\n");
    const r = await runCli(["verify", join(dir, "notes.txt")]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /notes\.txt is not a capture file: none of its 2 line\(s\) is a capture record/);
  });

  it("random bytes and odd headers get a clear verdict, never a crash", async () => {
    const records = [
      captureOf(
        "rnd-1",
        [["X-DFNS-WEBHOOK-SIGNATURE", "sha256=\u0000\u00ff"]],
        randomBytes(4096),
        receivedAt,
      ),
      captureOf("rnd-2", [["MoneyKit-Signature", "é.é.é"]], randomBytes(10), receivedAt),
      captureOf("rnd-3", [["Authorization", "HMACSHA256 "]], randomBytes(1), receivedAt),
      captureOf("rnd-4", [["Content-Type", "text/plain"]], "", receivedAt),
    ];
    const path = writeCaptures(dir, "random.jsonl", records);
    const r = await runCli(["verify", path, "--json"], { env: { ...HMAC_ENV, ...JWT_ENV } });
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      r.lines.map((l) => l.reason),
      ["malformed_header", "malformed_header", "malformed_header", "unknown_provider"],
    );
  });

  it("verifies MoneyKit against the JWKS at MONEYKIT_API_URL and PPS through OIDC discovery", async () => {
    const r = await runCli(["verify", JWT_CAPTURES, "--json"], { env: JWT_ENV, cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      r.lines.map((l) => [l.provider, l.event, l.verified]),
      [
        ["moneykit", "link.product_refresh", true],
        ["pps", "orders/placed", true],
      ],
    );
    assert.deepEqual(r.lines[0]?.deliveryHeaders, {
      "MoneyKit-Delivery-Token": "dt-1",
      "MoneyKit-Delivery-Attempt": "2",
    });
  });

  it("verifies MoneyKit offline with --jwks-file", async () => {
    writeFileSync(join(dir, "jwks.json"), JSON.stringify(jwksOf([mk])));
    const path = writeCaptures(dir, "mk.jsonl", [mkCapture]);
    const port = await closedPort();
    const r = await runCli(["verify", path, "--jwks-file", "jwks.json"], {
      cwd: dir,
      env: { MONEYKIT_API_URL: `http://127.0.0.1:${port}` },
    });
    assert.equal(r.code, 0, r.stderr);
  });

  it("exits 3 when pps has no trusted issuers and only pps was captured, 4 when the JWKS cannot be fetched", async () => {
    const ppsOnly = writeCaptures(dir, "pps-only.jsonl", [ppsCapture]);
    const noIssuers = await runCli(["verify", ppsOnly], { env: { MONEYKIT_API_URL: server.url } });
    assert.equal(noIssuers.code, 3);
    assert.match(noIssuers.stderr, /PPS_TRUSTED_ISSUERS/);
    const port = await closedPort();
    const path = writeCaptures(dir, "mk-only.jsonl", [mkCapture]);
    const down = await runCli(["verify", path, "--json"], {
      cwd: tempDir(),
      env: { MONEYKIT_API_URL: `http://127.0.0.1:${port}` },
    });
    assert.equal(down.code, 4);
    assert.equal(down.lines[0]?.reason, "jwks_unavailable");
  });

  it("exits 2 on an unknown provider, a bad --at, a missing file", async () => {
    assert.equal((await runCli(["verify", HMAC_CAPTURES, "--provider", "stripe"])).code, 2);
    assert.equal((await runCli(["verify", HMAC_CAPTURES, "--at", "yesterday"])).code, 2);
    const missing = await runCli(["verify", join(dir, "nope.jsonl")]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read/);
  });
});
