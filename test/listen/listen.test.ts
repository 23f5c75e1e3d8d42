import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { parseCaptureText, toDelivery } from "../../src/core/capture-format.js";
import { signDfns } from "../../src/providers/dfns/sign.js";
import { moneykitHeaders, signMoneyKit } from "../../src/providers/moneykit/sign.js";
import { generateSigningKey, jwksOf } from "../../src/providers/signing-key.js";
import { closedPort, serveJson } from "../helpers/http-server.js";
import { post, postRaw, startListen } from "../helpers/listen.js";
import { startReceiver } from "../helpers/receiver.js";
import { tempDir } from "../helpers/tmp.js";

const SECRET = "whs-listen-test";
const ENV = { DFNS_WEBHOOK_SECRET: SECRET };
const H = "X-DFNS-WEBHOOK-SIGNATURE";

function dfnsEvent(id: string, extra: object = {}) {
  const body = JSON.stringify({
    id,
    date: new Date().toISOString(),
    kind: "wallet.transfer.confirmed",
    data: { transferRequest: { id: "xfr-1" } },
    timestampSent: Math.floor(Date.now() / 1000),
    deliveryAttempt: 1,
    ...extra,
  });
  return {
    body,
    headers: [
      ["Content-Type", "application/json"],
      [H, signDfns(Buffer.from(body), SECRET)],
    ] as [string, string][],
  };
}

const capturesIn = (path: string) => parseCaptureText(readFileSync(path, "utf8"), path);

describe("whtool listen", () => {
  it("prints a short summary when it stops (a summary line with --json)", async () => {
    const dir = tempDir();
    const capture = join(dir, "cap.jsonl");
    const listen = await startListen(["--capture", capture], { env: ENV });
    const good = dfnsEvent("whe-sum-1");
    await post(listen.url, good.headers, good.body);
    await post(listen.url, [[H, `sha256=${"0".repeat(64)}`]], good.body);
    const result = await listen.stop();
    const summary = result.lines.at(-1);
    assert.equal(summary?.type, "summary");
    assert.deepEqual([summary?.total, summary?.verified, summary?.failed], [2, 1, 1]);
    assert.equal(summary?.capture, capture);

    const human = await startListen(["--no-capture"], { env: ENV, json: false });
    await post(human.url, good.headers, good.body);
    const text = await human.stop();
    assert.match(text.stderr, /listened \d+s: 1 delivery, 1 verified, 0 failed/);
  });

  it("captures, verifies and answers 200, with --json delivery lines and a 0600 capture", async () => {
    const dir = tempDir();
    const capture = join(dir, "cap.jsonl");
    const listen = await startListen(["--capture", capture], { env: ENV });
    const { body, headers } = dfnsEvent("whe-ok");
    assert.equal((await post(listen.url, headers, body)).status, 200);
    const result = await listen.stop();
    assert.equal(result.code, 0, result.stderr);
    const delivery = result.lines.find((l) => l.type === "delivery");
    assert.equal(delivery?.verified, true);
    assert.equal(delivery?.event, "wallet.transfer.confirmed");
    assert.equal(delivery?.status, 200);
    assert.equal(typeof delivery?.skewS, "number");
    const { records } = capturesIn(capture);
    assert.equal(records.length, 1);
    assert.equal(Buffer.from(toDelivery(records[0] as (typeof records)[0]).body).toString(), body);
    assert.deepEqual(records[0]?.response, { status: 200 });
    assert.equal((records[0]?.verdict as { verified: boolean } | undefined)?.verified, true);
    assert.equal(statSync(capture).mode & 0o777, 0o600);
  });

  it("shows humans the verdict, the delivery headers, dedupe status and the failing check", async () => {
    const dir = tempDir();
    const key = await generateSigningKey("ES256", "mk-listen");
    const jwks = await serveJson({ "/.well-known/jwks.json": jwksOf([key]) });
    after(() => jwks.close());
    const listen = await startListen(["--capture", join(dir, "c.jsonl")], {
      env: { ...ENV, MONEYKIT_API_URL: jwks.url },
      json: false,
      cwd: dir,
    });
    const mkBody = JSON.stringify({
      webhook_event: "link.state_changed",
      webhook_idempotency_key: "idem-9",
      link_id: "mk_1",
    });
    const jwt = await signMoneyKit(Buffer.from(mkBody), key, { iat: Math.floor(Date.now() / 1000) });
    assert.equal(
      (await post(listen.url, moneykitHeaders(jwt, "dt_77", 3) as [string, string][], mkBody)).status,
      200,
    );
    const bad = dfnsEvent("whe-bad");
    const tampered = bad.body.replace("xfr-1", "xfr-2");
    assert.equal((await post(listen.url, bad.headers, tampered)).status, 401);
    const { stdout, stderr } = await listen.stop();
    assert.match(stdout, /moneykit {2}link\.state_changed {2}✓ verified {2}→ 200/);
    assert.match(stdout, /MoneyKit-Delivery-Token: dt_77 {2}MoneyKit-Delivery-Attempt: 3/);
    assert.match(stdout, /first seen · skew [+-]\d+ s · dedupe idem-9/);
    assert.match(stdout, /dfns {2}wallet\.transfer\.confirmed {2}✗ signature_mismatch {2}→ 401/);
    assert.match(stdout, /✗ signature: hmac-sha256 of the raw body/);
    // Results on stdout; the banner and progress stay on stderr.
    assert.match(stderr, /listening on /);
    assert.doesNotMatch(stderr, /✓ verified/);
  });

  it("flags duplicates, follows Dfns retry chains, and remembers across a restart", async () => {
    const capture = join(tempDir(), "cap.jsonl");
    const first = await startListen(["--capture", capture], { env: ENV });
    const original = dfnsEvent("whe-100");
    await post(first.url, original.headers, original.body);
    const retry = dfnsEvent("whe-101", { deliveryAttempt: 2, retryOf: "whe-100" });
    await post(first.url, retry.headers, retry.body);
    const one = await first.stop();
    const [d1, d2] = one.lines.filter((l) => l.type === "delivery");
    assert.equal(d1?.duplicateOf, null);
    assert.equal(d2?.duplicateOf, d1?.id, "a retry (new id, retryOf) is the same event");

    const second = await startListen(["--capture", capture], { env: ENV });
    const retry2 = dfnsEvent("whe-102", { deliveryAttempt: 3, retryOf: "whe-101" });
    await post(second.url, retry2.headers, retry2.body);
    await post(second.url, original.headers, original.body);
    const two = await second.stop();
    const later = two.lines.filter((l) => l.type === "delivery");
    assert.deepEqual(
      later.map((l) => l.duplicateOf),
      [d1?.id, d1?.id],
    );
  });

  it("answers scripted statuses in turn with --respond 500,500,200", async () => {
    const listen = await startListen(["--no-capture", "--respond", "500,500,200"], { env: ENV });
    const statuses: number[] = [];
    for (const id of ["a", "b", "c", "d"]) {
      const { body, headers } = dfnsEvent(`whe-${id}`);
      statuses.push((await post(listen.url, headers, body)).status);
    }
    await listen.stop();
    assert.deepEqual(statuses, [500, 500, 200, 200]);
  });

  it("forwards exact bytes and headers (hop-by-hop dropped) and answers with the target's status", async () => {
    const target = await startReceiver([202]);
    after(() => target.close());
    const listen = await startListen(["--no-capture", "--forward-to", target.url], { env: ENV });
    const { body, headers } = dfnsEvent("whe-fw");
    const status = await postRaw(
      listen.url,
      [...headers, ["Connection", "keep-alive, X-Hop"], ["X-Hop", "drop me"]],
      body,
    );
    const result = await listen.stop();
    assert.equal(status, 202);
    assert.equal(target.received.length, 1);
    assert.equal(target.received[0]?.body.toString(), body);
    const names = target.received[0]?.headers.map(([n]) => n.toLowerCase()) ?? [];
    assert.ok(names.includes("x-dfns-webhook-signature"));
    assert.ok(!names.includes("x-hop"));
    const forward = result.lines.find((l) => l.type === "forward");
    assert.equal(forward?.status, 202);
    assert.equal(typeof forward?.durationMs, "number");
  });

  it("keeps the delivery when the forward target is down, and still answers the sender", async () => {
    const capture = join(tempDir(), "cap.jsonl");
    const port = await closedPort();
    const listen = await startListen(
      ["--capture", capture, "--forward-to", `http://127.0.0.1:${port}/hooks`],
      { env: ENV },
    );
    const { body, headers } = dfnsEvent("whe-down");
    const answer = await post(listen.url, headers, body);
    const result = await listen.stop();
    assert.equal(answer.status, 502);
    const { records } = capturesIn(capture);
    assert.equal(records.length, 1);
    assert.equal(Buffer.from(toDelivery(records[0] as (typeof records)[0]).body).toString(), body);
    const forward = result.lines.find((l) => l.type === "forward");
    assert.equal(forward?.status, null);
    assert.match(String(forward?.error), /ECONNREFUSED/);
  });

  it("answers 413 to an oversize body, records it, and keeps serving", async () => {
    const capture = join(tempDir(), "cap.jsonl");
    const listen = await startListen(["--capture", capture, "--max-body", "1000"], { env: ENV });
    const big = await post(listen.url, [[H, "sha256=00"]], "x".repeat(5000));
    const { body, headers } = dfnsEvent("whe-after");
    const next = await post(listen.url, headers, body);
    await listen.stop();
    assert.equal(big.status, 413);
    assert.equal(next.status, 200);
    const { records } = capturesIn(capture);
    assert.equal(records.length, 2);
    assert.equal(records[0]?.oversizeBytes, 5000);
    assert.deepEqual(records[0]?.response, { status: 413 });
  });

  it("answers random bytes and odd headers with a 4xx, captures them, never crashes", async () => {
    const capture = join(tempDir(), "cap.jsonl");
    const listen = await startListen(["--capture", capture], { env: ENV });
    const statuses = [
      (await post(listen.url, [], randomBytes(2048))).status,
      (await post(listen.url, [[H, "sha256=\u00ff"]], randomBytes(64))).status,
      (await post(listen.url, [["Authorization", "HMACSHA256 ==="]], "{")).status,
      (await post(listen.url, [["MoneyKit-Signature", "a.b"]], "")).status,
      (await post(`${listen.url}/../../etc/passwd?x=%00`, [[H, "x"]], "x")).status,
    ];
    const result = await listen.stop();
    assert.equal(result.code, 0);
    for (const status of statuses) assert.ok(status >= 400 && status < 500, String(status));
    assert.equal(capturesIn(capture).records.length, 5);
  });

  it("takes a burst of 1,000 concurrent deliveries: exactly 1,000 capture lines with the exact bytes", async () => {
    const capture = join(tempDir(), "cap.jsonl");
    const listen = await startListen(["--capture", capture], { env: ENV });
    const bodies = Array.from({ length: 1000 }, (_, n) => dfnsEvent(`whe-burst-${n}`));
    const statuses = await Promise.all(
      bodies.map(({ body, headers }) => post(listen.url, headers, body).then((r) => r.status)),
    );
    const result = await listen.stop();
    assert.equal(result.code, 0);
    assert.ok(statuses.every((s) => s === 200));
    const { records, warnings } = capturesIn(capture);
    assert.deepEqual(warnings, []);
    assert.equal(records.length, 1000);
    const captured = new Set(records.map((r) => Buffer.from(r.bodyBase64, "base64").toString()));
    for (const { body } of bodies) assert.ok(captured.has(body));
  });

  it("exits 1 with --exit-after when fewer deliveries arrive before --timeout", async () => {
    const listen = await startListen(["--no-capture", "--exit-after", "2", "--timeout", "300ms"], {
      env: ENV,
    });
    const { body, headers } = dfnsEvent("whe-only");
    await post(listen.url, headers, body);
    const result = await listen.done;
    assert.equal(result.code, 1);
    assert.match(result.stderr, /timed out with 1 of 2 deliveries/);
  });

  it("regression: with no secret at all, --exit-after exits 3 (configuration missing), not 1", async () => {
    const listen = await startListen(["--no-capture", "--provider", "dfns", "--exit-after", "1"], {
      cwd: tempDir(),
    });
    const { body, headers } = dfnsEvent("whe-nosecret");
    await post(listen.url, headers, body);
    const result = await listen.done;
    assert.equal(result.code, 3);
    assert.equal(result.lines.find((l) => l.type === "delivery")?.reason, "no_secret");
  });

  it("refuses bad flag values with exit 2", async () => {
    for (const args of [
      ["--respond", "ok"],
      ["--port", "99999"],
      ["--path", "hooks"],
      ["--timeout", "soon"],
      ["--forward-to", "ftp://x"],
    ]) {
      const { runCli } = await import("../helpers/cli.js");
      const result = await runCli(["listen", "--tunnel", "none", ...args]);
      assert.equal(result.code, 2, args.join(" "));
    }
  });
});

describe("two listeners on one capture file", () => {
  it("the second warns, naming the first, and each marker goes with its listener", async () => {
    const dir = tempDir();
    const capture = join(dir, "shared.jsonl");
    const first = await startListen(["--capture", capture], { env: ENV, json: false });
    const second = await startListen(["--capture", capture], { env: ENV, json: false });
    const two = await second.stop();
    assert.match(
      two.stderr,
      new RegExp(`another whtool listen \\(pid ${process.pid}\\) is capturing to .*shared\\.jsonl too`),
    );
    const one = await first.stop();
    assert.doesNotMatch(one.stderr, /another whtool listen/);
    const third = await startListen(["--capture", capture], { env: ENV, json: false });
    const three = await third.stop();
    assert.doesNotMatch(three.stderr, /another whtool listen/, "a stopped listener's marker does not linger");
  });
});
