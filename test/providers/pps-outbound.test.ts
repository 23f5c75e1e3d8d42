import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { StaticKeyStore } from "../../src/adapters/jwks.js";
import { headerValue } from "../../src/core/delivery.js";
import { PROVIDERS } from "../../src/providers/index.js";
import { ppsInfo } from "../../src/providers/pps/info.js";
import { PPS_SAMPLE_TENANT, ppsOutbound } from "../../src/providers/pps/outbound.js";
import {
  defaultSubTopic,
  PPS_SUB_TOPICS,
  PPS_TOPICS,
  type PpsTopic,
  ppsSample,
} from "../../src/providers/pps/samples.js";
import { generateSigningKey, jwksOf } from "../../src/providers/signing-key.js";
import type { OutboundDelivery } from "../../src/providers/types.js";
import { AT, AT_S, makeDelivery, withHeader } from "../helpers/deliveries.js";

const key = await generateSigningKey("RS256", "a1818f44894225f461d22b56084720371760f59b");
const ISSUER = "https://securetoken.google.com/pps-local-dev-376022";
const AUDIENCE = "pps-local-dev-376022";
const credentials = { key, issuer: ISSUER, audience: AUDIENCE };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// Offline: the key comes from a JWKS handed over, so nothing is fetched.
const verify = (d: OutboundDelivery, headers = d.headers, body = d.body) =>
  PROVIDERS.pps.verify(makeDelivery([...headers], body), {
    at: AT,
    secrets: [],
    keys: new StaticKeyStore(jwksOf([key]), "test JWKS"),
    trustedIssuers: [{ issuer: ISSUER, audiences: [AUDIENCE] }],
  });
const tokenOf = (d: OutboundDelivery) =>
  (headerValue(d.headers, "Authorization") ?? "").replace(/^Bearer /, "");

describe("pps outbound", () => {
  it("has a sample for every topic providers.md and ppsInfo name", () => {
    assert.deepEqual([...ppsOutbound.events], [...ppsInfo.events]);
  });

  for (const topic of PPS_TOPICS) {
    it(`${topic}: build → verify passes with the topic as event and X-Pps-Webhook-Id as dedupe key`, async () => {
      const d = await ppsOutbound.build(topic, credentials, AT);
      const v = await verify(d);
      assert.equal(v.verified, true, JSON.stringify(v.checks));
      assert.equal(v.event, topic);
      assert.match(d.eventId, UUID);
      assert.equal(v.dedupeKey, d.eventId);
      assert.equal(headerValue(d.headers, "X-Pps-Webhook-Id"), d.eventId);
      assert.equal(headerValue(d.headers, "X-Pps-Tenant-Id"), PPS_SAMPLE_TENANT);
      assert.equal(headerValue(d.headers, "X-Pps-Sub-Topic"), defaultSubTopic(topic));
      // providers.md: UTC with 7 fractional digits.
      assert.match(headerValue(d.headers, "X-Pps-Triggered-At") ?? "", /^2026-11-23T10:00:00\.000\d{4}Z$/);
      const text = Buffer.from(d.body).toString("utf8");
      const parsed = JSON.parse(text) as Record<string, unknown>;
      assert.equal(JSON.stringify(parsed), text, "compact JSON");
      assert.match(String(parsed.orderId), UUID);
      assert.match(String(parsed.orderNumber), /^SO-\d{7}$/);
      assert.equal(parsed.tenantId, PPS_SAMPLE_TENANT);
    });
  }

  it("signs a Firebase-style ID token: RS256 with kid, exp = iat + 3600, firebase claims", async () => {
    const d = await ppsOutbound.build("orders/placed", credentials, new Date(AT.getTime() + 999));
    const token = tokenOf(d);
    assert.deepEqual(decodeProtectedHeader(token), { alg: "RS256", kid: key.kid, typ: "JWT" });
    const claims = decodeJwt(token);
    assert.equal(claims.iss, ISSUER);
    assert.equal(claims.aud, AUDIENCE);
    assert.equal(claims.sub, "xpps|Ua");
    assert.equal(claims.user_id, "xpps|Ua");
    assert.equal(claims.iat, AT_S);
    assert.equal(claims.exp, AT_S + 3600);
    assert.equal(claims.email_verified, true);
    assert.deepEqual(claims.firebase, { identities: {}, sign_in_provider: "custom" });
  });

  it("a new webhook id for every build", async () => {
    const a = await ppsOutbound.build("orders/placed", credentials, AT);
    const b = await ppsOutbound.build("orders/placed", credentials, AT);
    assert.notEqual(a.eventId, b.eventId);
  });

  it("a tampered token fails: a flipped signature byte, a swapped claim set, another key", async () => {
    const d = await ppsOutbound.build("orders/shipped", credentials, AT);
    const [h, p, s = ""] = tokenOf(d).split(".");
    const flipped = `${h}.${p}.${s.slice(0, 10)}${s[10] === "A" ? "B" : "A"}${s.slice(11)}`;
    const bearer = (t: string) => withHeader(d.headers, "Authorization", `Bearer ${t}`);
    assert.equal((await verify(d, bearer(flipped))).reason, "signature_mismatch");

    const other = await ppsOutbound.build("orders/shipped", { ...credentials, audience: "someone-else" }, AT);
    const otherPayload = tokenOf(other).split(".")[1];
    assert.equal((await verify(d, bearer(`${h}.${otherPayload}.${s}`))).reason, "signature_mismatch");

    const stranger = await generateSigningKey("RS256", key.kid);
    const forged = await ppsOutbound.build("orders/shipped", { ...credentials, key: stranger }, AT);
    assert.equal((await verify(forged)).reason, "signature_mismatch");
  });

  it("the body is not covered by the token (PointServices signs no body hash): an edited body still verifies", async () => {
    const d = await ppsOutbound.build("orders/cancelled", credentials, AT);
    const edited = Buffer.from(Buffer.from(d.body).toString("utf8").replace("82.16", "0.01"));
    assert.notDeepEqual(edited, Buffer.from(d.body));
    assert.equal((await verify(d, d.headers, edited)).verified, true);
  });

  it("canonicalEvent accepts the topic in any case and nothing else; build throws for an unknown topic", async () => {
    assert.equal(ppsOutbound.canonicalEvent(" Orders/Placed "), "orders/placed");
    assert.equal(ppsOutbound.canonicalEvent("orders.placed"), undefined);
    assert.equal(ppsOutbound.canonicalEvent("payments/captured"), undefined);
    await assert.rejects(
      ppsOutbound.build("payments/captured", credentials, AT),
      /unknown PointServices topic/,
    );
  });

  it("build throws without an RS256 key, an issuer or an audience", async () => {
    const es = await generateSigningKey("ES256");
    await assert.rejects(ppsOutbound.build("orders/placed", { ...credentials, key: es }, AT), /RS256/);
    await assert.rejects(ppsOutbound.build("orders/placed", { key }, AT), /issuer and an audience/);
  });

  it("samples vary by sub-topic and carry only injected ids and times", () => {
    const ctx = {
      tenantId: "OU77",
      at: AT,
      orderId: "11111111-1111-4111-8111-111111111111",
      orderNumber: "SO-1234567",
      customerId: "22222222-2222-4222-8222-222222222222",
      shipmentId: "33333333-3333-4333-8333-333333333333",
    };
    for (const [topic, subTopics] of Object.entries(PPS_SUB_TOPICS) as [PpsTopic, readonly string[]][]) {
      const bodies = subTopics.map((subTopic) => ppsSample(topic, { ...ctx, subTopic }));
      const texts = bodies.map((body) => JSON.stringify(body));
      assert.equal(new Set(texts).size, subTopics.length, `${topic}: each sub-topic has its own body`);
      assert.deepEqual(
        subTopics.map((subTopic) => JSON.stringify(ppsSample(topic, { ...ctx, subTopic }))),
        texts,
        "deterministic",
      );
      for (const body of bodies) {
        assert.equal(body.orderId, ctx.orderId);
        assert.equal(body.tenantId, "OU77");
      }
    }
    assert.equal(ppsSample("orders/placed", { ...ctx, subTopic: "in-store" }).channel, "in-store");
    assert.equal(ppsSample("orders/shipped", { ...ctx, subTopic: "partial" }).status, "PartiallyShipped");
    const cancelled = ppsSample("orders/cancelled", { ...ctx, subTopic: "out-of-stock" });
    assert.deepEqual((cancelled.cancellation as { reasonCode: string }).reasonCode, "out-of-stock");
    assert.equal(cancelled.cancelledAt, AT.toISOString());
  });
});
