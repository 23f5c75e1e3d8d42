import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { OidcKeyStore } from "../../src/adapters/jwks.js";
import { ppsHeaders, signPpsToken } from "../../src/providers/pps/sign.js";
import { verifyPps } from "../../src/providers/pps/verify.js";
import { generateSigningKey, jwksOf } from "../../src/providers/signing-key.js";
import type { TrustedIssuer } from "../../src/providers/types.js";
import { AT, AT_S, json, makeDelivery, withHeader } from "../helpers/deliveries.js";
import { serveJson } from "../helpers/http-server.js";
import { hs256WithPublicKey, rawKey, signRaw, unsigned } from "../helpers/jwt-forge.js";

const key = await generateSigningKey("RS256", "pps-key-1");
const stranger = await generateSigningKey("RS256", "pps-key-1");
const independent = rawKey("RS256", "pps-raw");
const idp = await serveJson();
const ISSUER = `${idp.url}/pps-local-dev`;
const AUDIENCE = "pps-local-dev";
idp.set("/pps-local-dev/.well-known/openid-configuration", 200, {
  issuer: ISSUER,
  jwks_uri: `${idp.url}/jwks`,
});
idp.set("/jwks", 200, { keys: [...jwksOf([key]).keys, independent.jwk] });
after(() => idp.close());

let fetchCalls: string[] = [];
const countingFetch: typeof fetch = (input, init) => {
  fetchCalls.push(String(input));
  return fetch(input, init);
};
const trusted: TrustedIssuer[] = [{ issuer: ISSUER, audiences: [AUDIENCE] }];
const store = () =>
  new OidcKeyStore({ fetch: countingFetch, now: () => AT, maxAgeMs: 3_600_000, refetchIntervalMs: 300_000 });

const BODY = json({ orderId: "SO-1001", status: "placed", lines: [{ sku: "A-1", qty: 2 }] });
const headersFor = (token: string) =>
  ppsHeaders(token, {
    topic: "orders/placed",
    subTopic: "web",
    tenantId: "OU1243",
    webhookId: "279e4e55-dfa0-4e04-b717-148ae547ab7d",
    triggeredAt: "2026-11-23T09:59:59.1234567Z",
  });
const claims = (over: object = {}) => ({
  iss: ISSUER,
  aud: AUDIENCE,
  sub: "xpps|Ua",
  user_id: "xpps|Ua",
  iat: AT_S - 5,
  exp: AT_S + 3595,
  auth_time: AT_S - 5,
  ...over,
});
const twin = async (over: { iat?: number; issuer?: string; audience?: string; k?: typeof key } = {}) =>
  makeDelivery(
    headersFor(
      await signPpsToken(over.k ?? key, {
        issuer: over.issuer ?? ISSUER,
        audience: over.audience ?? AUDIENCE,
        subject: "xpps|Ua",
        iat: over.iat ?? AT_S - 5,
      }),
    ),
    BODY,
  );
const withToken = (token: string) => makeDelivery(headersFor(token), BODY);
const verify = (d: ReturnType<typeof withToken>, issuers = trusted, keys = store()) =>
  verifyPps(d, { at: AT, secrets: [], keys, trustedIssuers: issuers });

describe("pps verifier", () => {
  it("verifies a delivery signed by its twin via OIDC discovery and reports the X-Pps headers", async () => {
    const v = await verify(await twin());
    assert.equal(v.verified, true, JSON.stringify(v.checks));
    assert.deepEqual(
      v.checks.map((c) => c.name),
      ["authorization", "algorithm", "issuer", "key", "signature", "claims", "body"],
    );
    assert.equal(v.event, "orders/placed");
    assert.equal(v.dedupeKey, "279e4e55-dfa0-4e04-b717-148ae547ab7d");
    assert.equal(v.deliveryHeaders["X-Pps-Tenant-Id"], "OU1243");
    assert.equal(v.deliveryHeaders["X-Pps-Sub-Topic"], "web");
  });

  it("verifies a token signed independently with node:crypto", async () => {
    assert.equal((await verify(withToken(signRaw(independent, "RS256", claims())))).verified, true);
  });

  it("caches the discovered JWKS: two deliveries, one discovery and one JWKS fetch", async () => {
    const keys = store();
    fetchCalls = [];
    await verify(await twin(), trusted, keys);
    await verify(await twin(), trusted, keys);
    assert.equal(fetchCalls.length, 2);
  });

  it("rejects an untrusted issuer without making any request", async () => {
    fetchCalls = [];
    const before = idp.requests.length;
    const evil = `${idp.url}/evil`;
    const v = await verify(withToken(signRaw(independent, "RS256", claims({ iss: evil }))));
    assert.equal(v.reason, "issuer_not_trusted");
    assert.deepEqual(fetchCalls, []);
    assert.equal(idp.requests.length, before);
  });

  it("rejects the wrong audience", async () => {
    assert.equal((await verify(await twin({ audience: "someone-else" }))).reason, "audience_mismatch");
  });

  it("skips the audience check for an issuer configured without one", async () => {
    const v = await verify(await twin({ audience: "anything" }), [{ issuer: ISSUER, audiences: null }]);
    assert.equal(v.verified, true);
  });

  it("rejects a signature by another key under a known kid", async () => {
    assert.equal((await verify(await twin({ k: stranger }))).reason, "signature_mismatch");
  });

  it("rejects one flipped byte in the token's signature", async () => {
    const token = signRaw(independent, "RS256", claims());
    const last = token.at(-2) === "A" ? "B" : "A";
    const tampered = `${token.slice(0, -2)}${last}${token.at(-1)}`;
    assert.equal((await verify(withToken(tampered))).reason, "signature_mismatch");
  });

  it("does not bind the body (PPS signs no body hash) and says so", async () => {
    const d = await twin();
    const v = await verify({ ...d, body: json({ orderId: "SO-9999" }) });
    assert.equal(v.verified, true);
    assert.match(v.checks.at(-1)?.detail ?? "", /not covered by the token/);
  });

  it("rejects an unknown kid", async () => {
    const other = await generateSigningKey("RS256", "pps-unknown");
    assert.equal((await verify(await twin({ k: other }))).reason, "unknown_key");
  });

  it("rejects alg none and HS256-with-the-public-key before fetching keys", async () => {
    fetchCalls = [];
    assert.equal((await verify(withToken(unsigned(claims(), key.kid)))).reason, "alg_not_allowed");
    assert.equal(
      (await verify(withToken(hs256WithPublicKey(independent, claims())))).reason,
      "alg_not_allowed",
    );
    assert.deepEqual(fetchCalls, []);
  });

  for (const [name, over, reason] of [
    ["exp 61 s before receipt", { exp: AT_S - 61, iat: AT_S - 3661 }, "token_expired"],
    ["exp 59 s before receipt (inside the 60 s tolerance)", { exp: AT_S - 59, iat: AT_S - 3659 }, null],
    ["iat 61 s after receipt", { iat: AT_S + 61, exp: AT_S + 3661 }, "token_not_yet_valid"],
    ["iat 59 s after receipt", { iat: AT_S + 59, exp: AT_S + 3659 }, null],
    ["nbf 61 s after receipt", { nbf: AT_S + 61 }, "token_not_yet_valid"],
  ] as const) {
    it(`${name} → ${reason ?? "verified"}`, async () => {
      const v = await verify(withToken(signRaw(independent, "RS256", claims(over))));
      assert.equal(v.reason, reason, JSON.stringify(v.checks));
    });
  }

  it("reports missing and malformed Authorization headers", async () => {
    const d = await twin();
    assert.equal(
      (await verify({ ...d, headers: withHeader(d.headers, "Authorization", undefined) })).reason,
      "missing_header",
    );
    for (const bad of ["Basic abc", "Bearer", "Bearer not-a-jwt", "HMACSHA256 x"]) {
      const v = await verify({ ...d, headers: withHeader(d.headers, "Authorization", bad) });
      assert.equal(v.reason, "malformed_header", bad);
    }
  });

  it("fails with no_secret when no issuer is trusted", async () => {
    assert.equal((await verify(await twin(), [])).reason, "no_secret");
  });

  it("fails with jwks_unavailable when discovery is down", async () => {
    const down = `${idp.url}/down`;
    const v = await verify(withToken(signRaw(independent, "RS256", claims({ iss: down }))), [
      { issuer: down, audiences: null },
    ]);
    assert.equal(v.reason, "jwks_unavailable");
    assert.match(v.checks.at(-1)?.detail ?? "", /answered 404/);
  });
});
