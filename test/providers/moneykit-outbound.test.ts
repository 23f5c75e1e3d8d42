import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StaticKeyStore } from "../../src/adapters/jwks.js";
import { headerValue } from "../../src/core/delivery.js";
import { PROVIDERS } from "../../src/providers/index.js";
import { MONEYKIT_EVENTS } from "../../src/providers/moneykit/info.js";
import { moneykitOutbound } from "../../src/providers/moneykit/outbound.js";
import { generateSigningKey, jwksOf } from "../../src/providers/signing-key.js";
import { AT, flipByte, makeDelivery, withHeader } from "../helpers/deliveries.js";

const key = await generateSigningKey("ES256", "mk-outbound");
const other = await generateSigningKey("ES256", "mk-outbound"); // same kid, another key
const keys = new StaticKeyStore(jwksOf([key]), "test JWKS");
const verify = (headers: Parameters<typeof makeDelivery>[0], body: Uint8Array) =>
  PROVIDERS.moneykit.verify(makeDelivery(headers, body), { at: AT, secrets: [], keys });

const PER_EVENT: Record<string, readonly string[]> = {
  "link.state_changed": ["state"],
  "link.product_refresh": ["product", "state", "state_changed_at"],
  "transactions.updates_available": ["has_history"],
};

describe("moneykit outbound", () => {
  it("has a sample for every event providers.md names", () => {
    assert.deepEqual([...moneykitOutbound.events].sort(), [...MONEYKIT_EVENTS].sort());
  });

  for (const event of MONEYKIT_EVENTS) {
    it(`${event}: build → verify passes with the event name and idempotency key`, async () => {
      const d = await moneykitOutbound.build(event, { key }, AT);
      const v = await verify(d.headers, d.body);
      assert.equal(v.verified, true, JSON.stringify(v.checks));
      assert.equal(v.event, event);
      assert.equal(v.dedupeKey, d.eventId);
      assert.match(d.eventId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

      const body = JSON.parse(Buffer.from(d.body).toString("utf8")) as Record<string, unknown>;
      assert.deepEqual(Object.keys(body), [
        "webhook_event",
        "webhook_major_version",
        "webhook_minor_version",
        "webhook_idempotency_key",
        "webhook_timestamp",
        "link_id",
        "link_tags",
        ...(PER_EVENT[event] ?? []),
      ]);
      assert.equal(body.webhook_major_version, 1);
      assert.equal(body.webhook_minor_version, 0);
      assert.equal(body.webhook_timestamp, AT.toISOString());
      assert.match(String(body.link_id), /^mk_[0-9A-Za-z]{22}$/);
      // Compact JSON: the exact bytes are JSON.stringify's.
      assert.equal(Buffer.from(d.body).toString("utf8"), JSON.stringify(body));

      assert.deepEqual(
        d.headers.map(([name]) => name),
        ["Content-Type", "MoneyKit-Signature", "MoneyKit-Delivery-Token", "MoneyKit-Delivery-Attempt"],
      );
      assert.equal(headerValue(d.headers, "MoneyKit-Delivery-Attempt"), "1");
      const [, payload] = String(headerValue(d.headers, "MoneyKit-Signature")).split(".");
      const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8")) as Record<
        string,
        unknown
      >;
      assert.equal(claims.iss, "https://api.moneykit.com");
      assert.equal(claims.iat, Math.floor(AT.getTime() / 1000));
      assert.equal(claims.exp, undefined);
    });

    it(`${event}: a tampered copy fails`, async () => {
      const d = await moneykitOutbound.build(event, { key }, AT);
      assert.equal((await verify(d.headers, flipByte(d.body, 5))).reason, "body_hash_mismatch");
      const forged = await moneykitOutbound.build(event, { key: other }, AT);
      const resigned = withHeader(
        d.headers,
        "MoneyKit-Signature",
        headerValue(forged.headers, "MoneyKit-Signature"),
      );
      assert.equal((await verify(resigned, d.body)).reason, "signature_mismatch");
      assert.equal((await verify(forged.headers, forged.body)).reason, "signature_mismatch");
    });
  }

  it("accepts the seed's misspellings and sends the real names", async () => {
    for (const [alias, real] of [
      ["link.product_refreshed", "link.product_refresh"],
      ["links.state_changed", "link.state_changed"],
    ] as const) {
      assert.equal(moneykitOutbound.canonicalEvent(alias), real);
      const d = await moneykitOutbound.build(alias, { key }, AT);
      assert.equal((await verify(d.headers, d.body)).event, real);
    }
    assert.equal(moneykitOutbound.canonicalEvent("link.state_changed"), "link.state_changed");
    assert.equal(moneykitOutbound.canonicalEvent("link.deleted"), undefined);
  });

  it("gives every delivery its own idempotency key and delivery token", async () => {
    const a = await moneykitOutbound.build("link.state_changed", { key }, AT);
    const b = await moneykitOutbound.build("link.state_changed", { key }, AT);
    assert.notEqual(a.eventId, b.eventId);
    assert.notEqual(
      headerValue(a.headers, "MoneyKit-Delivery-Token"),
      headerValue(b.headers, "MoneyKit-Delivery-Token"),
    );
  });

  it("throws a plain Error for an unknown event or a missing / wrong key", async () => {
    await assert.rejects(
      moneykitOutbound.build("link.deleted", { key }, AT),
      /unknown MoneyKit event "link.deleted"/,
    );
    await assert.rejects(moneykitOutbound.build("link.state_changed", {}, AT), /ES256 key/);
    const rsa = await generateSigningKey("RS256");
    await assert.rejects(moneykitOutbound.build("link.state_changed", { key: rsa }, AT), /not RS256/);
  });
});
