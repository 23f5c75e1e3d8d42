import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StaticKeyStore } from "../../src/adapters/jwks.js";
import { sha256 } from "../../src/core/bytes.js";
import { moneykitHeaders, signMoneyKit } from "../../src/providers/moneykit/sign.js";
import { verifyMoneyKit } from "../../src/providers/moneykit/verify.js";
import { generateSigningKey, jwksOf } from "../../src/providers/signing-key.js";
import { AT, AT_S, flipByte, json, makeDelivery, withHeader } from "../helpers/deliveries.js";
import { hs256WithPublicKey, rawKey, signRaw, unsigned } from "../helpers/jwt-forge.js";

const BODY = json({
  webhook_event: "link.state_changed",
  webhook_major_version: 1,
  webhook_minor_version: 0,
  webhook_idempotency_key: "5d1c6f0e-3b0a-4c44-9a53-6d0f1f6f2a11",
  webhook_timestamp: "2026-11-23T09:59:58.000Z",
  link_id: "mk_8Yq2",
  link_tags: [],
  state: "connected",
});
const H = "MoneyKit-Signature";

const current = await generateSigningKey("ES256", "mk-2026-11");
const previous = await generateSigningKey("ES256", "mk-2026-10");
const stranger = await generateSigningKey("ES256", "mk-2026-11"); // same kid, different key
const independent = rawKey("ES256", "mk-raw");
const keys = new StaticKeyStore(
  { keys: [...jwksOf([current, previous]).keys, independent.jwk] },
  "test JWKS",
);

async function signed(body: Buffer = BODY, iat = AT_S - 2, key = current) {
  const jwt = await signMoneyKit(body, key, { iat });
  return makeDelivery(moneykitHeaders(jwt, "dt_01", 1), body);
}
const withToken = (token: string, body: Buffer = BODY) => makeDelivery([[H, token]], body);
const verify = (d: ReturnType<typeof withToken>) => verifyMoneyKit(d, { at: AT, secrets: [], keys });
const claims = (iat = AT_S, body: Buffer = BODY) => ({
  iss: "https://api.moneykit.com",
  iat,
  request_body_sha256: sha256(body).toString("hex"),
});

describe("moneykit verifier", () => {
  it("verifies a delivery signed by its twin and reports the delivery headers", async () => {
    const v = await verify(await signed());
    assert.equal(v.verified, true, JSON.stringify(v.checks));
    assert.deepEqual(
      v.checks.map((c) => c.name),
      ["signature-header", "algorithm", "key", "signature", "issued-at", "body-hash", "body"],
    );
    assert.equal(v.event, "link.state_changed");
    assert.equal(v.dedupeKey, "5d1c6f0e-3b0a-4c44-9a53-6d0f1f6f2a11");
    assert.deepEqual(v.deliveryHeaders, {
      "MoneyKit-Delivery-Token": "dt_01",
      "MoneyKit-Delivery-Attempt": "1",
    });
  });

  it("verifies a token signed independently with node:crypto (ES256, raw r||s)", async () => {
    const v = await verify(withToken(signRaw(independent, "ES256", claims())));
    assert.equal(v.verified, true, JSON.stringify(v.checks));
  });

  it("accepts the previous key still published after a rotation", async () => {
    assert.equal((await verify(await signed(BODY, AT_S, previous))).verified, true);
  });

  it("rejects one flipped body byte with body_hash_mismatch", async () => {
    const d = await signed();
    assert.equal((await verify({ ...d, body: flipByte(d.body, 20) })).reason, "body_hash_mismatch");
  });

  it("rejects a signature by another key under a known kid", async () => {
    assert.equal((await verify(await signed(BODY, AT_S, stranger))).reason, "signature_mismatch");
  });

  it("rejects an unknown kid", async () => {
    const other = await generateSigningKey("ES256", "mk-unknown");
    const v = await verify(await signed(BODY, AT_S, other));
    assert.equal(v.reason, "unknown_key");
    assert.match(v.checks.at(-1)?.detail ?? "", /kid mk-unknown not in test JWKS/);
  });

  it("rejects alg none before looking up any key", async () => {
    const v = await verify(withToken(unsigned(claims(), current.kid)));
    assert.equal(v.reason, "alg_not_allowed");
    assert.ok(!v.checks.some((c) => c.name === "key"));
  });

  it("rejects HS256 signed with the public key as the HMAC secret", async () => {
    assert.equal(
      (await verify(withToken(hs256WithPublicKey(independent, claims())))).reason,
      "alg_not_allowed",
    );
  });

  it("rejects RS256 even with a valid signature", async () => {
    const rsa = rawKey("RS256", "mk-raw");
    assert.equal((await verify(withToken(signRaw(rsa, "RS256", claims())))).reason, "alg_not_allowed");
  });

  it("reports a missing or malformed header", async () => {
    const d = await signed();
    assert.equal(
      (await verify({ ...d, headers: withHeader(d.headers, H, undefined) })).reason,
      "missing_header",
    );
    for (const bad of ["", "abc", "a.b.c", "Bearer x.y.z"]) {
      assert.equal(
        (await verify({ ...d, headers: withHeader(d.headers, H, bad) })).reason,
        "malformed_header",
        bad,
      );
    }
  });

  for (const [offset, reason] of [
    [301, "token_not_yet_valid"],
    [300, null],
    [-7200, null],
    [-7201, "token_expired"],
  ] as const) {
    it(`iat ${offset > 0 ? "+" : ""}${offset} s from receipt → ${reason ?? "verified"}`, async () => {
      const v = await verify(await signed(BODY, AT_S + offset));
      assert.equal(v.reason, reason, JSON.stringify(v.checks));
    });
  }

  it("does not require exp, but honours an exp that has passed", async () => {
    const v = await verify(
      withToken(signRaw(independent, "ES256", { ...claims(AT_S - 400), exp: AT_S - 301 })),
    );
    assert.equal(v.reason, "token_expired");
  });

  it("rejects a token without request_body_sha256", async () => {
    const v = await verify(withToken(signRaw(independent, "ES256", { iss: "x", iat: AT_S })));
    assert.equal(v.reason, "malformed_header");
    assert.equal(v.checks.at(-1)?.name, "body-hash");
  });

  it("rejects a token without iat", async () => {
    const { iat: _omit, ...rest } = claims();
    assert.equal((await verify(withToken(signRaw(independent, "ES256", rest)))).reason, "malformed_header");
  });

  it("verifies a non-JSON body's hash, then fails with malformed_body", async () => {
    const body = Buffer.from([0x00, 0xff, 0xfe, 0x7b]);
    const v = await verify(await signed(body));
    assert.equal(v.checks.find((c) => c.name === "body-hash")?.ok, true);
    assert.equal(v.reason, "malformed_body");
  });

  it("fails with jwks_unavailable when no key source is configured", async () => {
    const v = await verifyMoneyKit(await signed(), { at: AT, secrets: [] });
    assert.equal(v.reason, "jwks_unavailable");
  });
});
