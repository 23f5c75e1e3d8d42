import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { signDfns } from "../../src/providers/dfns/sign.js";
import { verifyDfns } from "../../src/providers/dfns/verify.js";
import { AT, AT_S, flipByte, json, makeDelivery, withHeader } from "../helpers/deliveries.js";

const SECRET = "whs-test-0f1e2d3c4b5a";
const H = "X-DFNS-WEBHOOK-SIGNATURE";

function event(timestampSent: number, extra: object = {}) {
  return json({
    id: "whe-1a2b3c",
    date: new Date(timestampSent * 1000).toISOString(),
    kind: "wallet.transfer.confirmed",
    data: { transferRequest: { id: "xfr-1", walletId: "wa-1", status: "Confirmed" } },
    timestampSent,
    deliveryAttempt: 1,
    ...extra,
  });
}

function signed(body: Buffer, secret = SECRET) {
  return makeDelivery(
    [
      ["Content-Type", "application/json"],
      [H, signDfns(body, secret)],
    ],
    body,
  );
}

const verify = (d: ReturnType<typeof signed>, secrets = [SECRET], at = AT) => verifyDfns(d, { at, secrets });

describe("dfns verifier", () => {
  it("verifies a delivery signed by its twin, step by step", async () => {
    const v = await verify(signed(event(AT_S - 12)));
    assert.equal(v.verified, true);
    assert.equal(v.reason, null);
    assert.deepEqual(
      v.checks.map((c) => c.name),
      ["signature-header", "signature", "timestamp"],
    );
    assert.equal(v.event, "wallet.transfer.confirmed");
    assert.equal(v.dedupeKey, "whe-1a2b3c");
    assert.match(v.checks[2]?.detail ?? "", /sent 12 s before receipt; window 300 s/);
  });

  it("matches the signature the Dfns docs show computing (hex HMAC with sha256= prefix)", async () => {
    const body = event(AT_S);
    const sig = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
    assert.equal(signDfns(body, SECRET), sig);
  });

  it("rejects one flipped body byte", async () => {
    const d = signed(event(AT_S));
    const v = await verify({ ...d, body: flipByte(d.body, 10) });
    assert.equal(v.reason, "signature_mismatch");
  });

  it("rejects the wrong secret", async () => {
    assert.equal((await verify(signed(event(AT_S)), ["whs-other"])).reason, "signature_mismatch");
  });

  it("accepts an old secret later in a rotation list and says which matched", async () => {
    const v = await verify(signed(event(AT_S), "whs-old"), ["whs-new", "whs-old"]);
    assert.equal(v.verified, true);
    assert.match(v.checks[1]?.detail ?? "", /secret 2 of 2/);
  });

  it("fails with no_secret when none is configured", async () => {
    assert.equal((await verify(signed(event(AT_S)), [])).reason, "no_secret");
  });

  it("reports a missing header", async () => {
    const d = signed(event(AT_S));
    const v = await verify({ ...d, headers: withHeader(d.headers, H, undefined) });
    assert.equal(v.reason, "missing_header");
  });

  for (const bad of ["33008aa9", "sha1=abcdef", "sha256=zz", `sha256=${"a".repeat(63)}`, "", "sha256 = x"]) {
    it(`reports a malformed header ${JSON.stringify(bad)}`, async () => {
      const d = signed(event(AT_S));
      const v = await verify({ ...d, headers: withHeader(d.headers, H, bad) });
      assert.equal(v.reason, "malformed_header");
    });
  }

  for (const [offset, ok] of [
    [-300, false],
    [-299, true],
    [299, true],
    [300, false],
  ] as const) {
    it(`timestampSent ${offset > 0 ? "+" : ""}${offset} s from receipt → ${ok ? "inside" : "outside"} the window`, async () => {
      const v = await verify(signed(event(AT_S + offset)));
      assert.equal(v.verified, ok);
      if (!ok) assert.equal(v.reason, "timestamp_outside_window");
    });
  }

  it("verifies the raw bytes even when they are not compact JSON", async () => {
    const pretty = Buffer.from(JSON.stringify(JSON.parse(event(AT_S).toString()), null, 2));
    const v = await verify(signed(pretty));
    assert.equal(v.verified, true);
    assert.equal(v.meta.signedForm, "raw");
  });

  it("falls back to the compact re-serialisation the Node docs snippet signs, and says so", async () => {
    const compact = event(AT_S);
    const pretty = Buffer.from(JSON.stringify(JSON.parse(compact.toString()), null, 2));
    const d = makeDelivery([[H, signDfns(compact, SECRET)]], pretty);
    const v = await verify(d);
    assert.equal(v.verified, true);
    assert.equal(v.meta.signedForm, "compact");
    assert.match(v.checks[1]?.detail ?? "", /compact re-serialisation/);
  });

  it("checks the signature of a non-JSON body, then fails with malformed_body", async () => {
    const body = Buffer.from("not json at all");
    const v = await verify(signed(body));
    assert.equal(v.checks[1]?.ok, true);
    assert.equal(v.reason, "malformed_body");
  });

  it("exposes retryOf and deliveryAttempt for dedupe", async () => {
    const v = await verify(signed(event(AT_S, { id: "whe-2", deliveryAttempt: 2, retryOf: "whe-1" })));
    assert.equal(v.meta.retryOf, "whe-1");
    assert.equal(v.meta.deliveryAttempt, 2);
  });
});
