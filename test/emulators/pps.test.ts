import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { OidcKeyStore } from "../../src/adapters/jwks.js";
import { parseTrustedIssuers } from "../../src/config/trusted-issuers.js";
import { type Delivery, headerValue } from "../../src/core/delivery.js";
import { PROVIDERS } from "../../src/providers/index.js";
import { type PpsRunningEmulator, startPpsEmulator } from "../../src/providers/pps/emulator.js";
import { PPS_JWKS_TTL_MS } from "../../src/providers/pps/info.js";
import { ppsOutbound } from "../../src/providers/pps/outbound.js";
import { PPS_TOPICS } from "../../src/providers/pps/samples.js";
import { generateSigningKey } from "../../src/providers/signing-key.js";
import { makeDelivery } from "../helpers/deliveries.js";
import { type Receiver, startReceiver } from "../helpers/receiver.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TRIGGERED_AT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/;

let emu: PpsRunningEmulator;
let receiver: Receiver;
before(async () => {
  emu = await startPpsEmulator({ timeScale: 0.0001 });
  receiver = await startReceiver();
});
after(async () => {
  await emu.close();
  await receiver.close();
});

const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${emu.url}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : {
          body: typeof body === "string" ? body : JSON.stringify(body),
          headers: { "content-type": "application/json" },
        }),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    json: (text ? JSON.parse(text) : undefined) as Record<string, unknown>,
  };
};

/** The real verifier, configured only from the emulator's env: real discovery, no PPS_JWKS_URL. */
function verifier(fetchFn: typeof fetch = fetch) {
  const trustedIssuers = parseTrustedIssuers(emu.env.PPS_TRUSTED_ISSUERS);
  const keys = new OidcKeyStore({
    fetch: fetchFn,
    now: () => new Date(),
    maxAgeMs: PPS_JWKS_TTL_MS,
    refetchIntervalMs: 0,
  });
  return (d: Delivery) => PROVIDERS.pps.verify(d, { at: d.receivedAt, secrets: [], keys, trustedIssuers });
}
const tokenOf = (d: Delivery) => (headerValue(d.headers, "Authorization") ?? "").replace(/^Bearer /, "");
const subscribe = async (over: Record<string, unknown> = {}) => {
  const res = await call("POST", "/_emulator/subscriptions", {
    url: receiver.url,
    topics: [...PPS_TOPICS],
    tenantId: "OU1243",
    ...over,
  });
  assert.equal(res.status, 201, JSON.stringify(res.json));
  return res.json as { id: string };
};
const unsubscribe = async (id: string) =>
  assert.equal((await call("DELETE", `/_emulator/subscriptions/${id}`)).status, 204);
/** Triggers an event and waits until the receiver has `expect` more deliveries. */
const trigger = async (event: Record<string, unknown>, expect = 1) => {
  const before = receiver.received.length;
  const res = await call("POST", "/_emulator/events", event);
  assert.equal(res.status, 202, JSON.stringify(res.json));
  const all = await receiver.waitFor(before + expect);
  return { res: res.json, received: all.slice(before) };
};

describe("pps emulator: OIDC issuer and env", () => {
  it("env trusts exactly this issuer for its project, points at the test endpoint, and leaves discovery on", () => {
    assert.deepEqual(Object.keys(emu.env).sort(), ["PPS_API_TOKEN", "PPS_TEST_URL", "PPS_TRUSTED_ISSUERS"]);
    assert.deepEqual(parseTrustedIssuers(emu.env.PPS_TRUSTED_ISSUERS), [
      { issuer: emu.issuer, audiences: [emu.audience] },
    ]);
    assert.equal(emu.issuer, `${emu.url}/securetoken/${emu.audience}`);
    assert.match(emu.audience, /^pps-emulator-\d{6}$/);
    assert.equal(emu.env.PPS_TEST_URL, `${emu.url}/webhooks/test`);
    assert.match(emu.env.PPS_API_TOKEN ?? "", /^pps_[A-Za-z0-9_-]{32}$/);
  });

  it("serves discovery and an RS256 JWKS with kids", async () => {
    const discovery = await call("GET", `/securetoken/${emu.audience}/.well-known/openid-configuration`);
    assert.equal(discovery.status, 200);
    assert.equal(discovery.json.issuer, emu.issuer);
    assert.deepEqual(discovery.json.id_token_signing_alg_values_supported, ["RS256"]);
    const jwksUri = String(discovery.json.jwks_uri);
    assert.ok(jwksUri.startsWith(`${emu.url}/`));
    const jwks = (await (await fetch(jwksUri)).json()) as { keys: Record<string, string>[] };
    assert.equal(jwks.keys.length, 1);
    const [jwk] = jwks.keys;
    assert.equal(jwk?.kty, "RSA");
    assert.equal(jwk?.alg, "RS256");
    assert.equal(jwk?.use, "sig");
    assert.match(jwk?.kid ?? "", /^[0-9a-f]{40}$/);
    assert.equal(jwk?.d, undefined, "no private part");
  });

  it("answers 404 for another project's discovery and 405 for a wrong method, as problem details", async () => {
    const other = await call("GET", "/securetoken/someone-else/.well-known/openid-configuration");
    assert.equal(other.status, 404);
    assert.equal(other.headers.get("content-type"), "application/problem+json; charset=utf-8");
    assert.equal(other.json.status, 404);
    assert.match(String(other.json.traceId), /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    const post = await call("POST", `/securetoken/${emu.audience}/.well-known/openid-configuration`, {});
    assert.equal(post.status, 405);
    assert.equal(post.json.title, "Method Not Allowed");
    assert.equal((await call("GET", "/v1/orders")).status, 404);
  });

  it("refuses a token from an issuer not in the trusted list without any request reaching the emulator", async () => {
    const stranger = await generateSigningKey("RS256");
    // Same host, a path the emulator serves: a verifier that fetched would show up in the request log.
    const foreign = await ppsOutbound.build(
      "orders/placed",
      { key: stranger, issuer: `${emu.url}/securetoken/pps-other-project`, audience: emu.audience },
      new Date(),
    );
    const fetched: string[] = [];
    const counting: typeof fetch = (input, init) => {
      fetched.push(String(input));
      return fetch(input, init);
    };
    const logged = emu.requests.length;
    const v = await verifier(counting)(makeDelivery([...foreign.headers], foreign.body, new Date()));
    assert.equal(v.reason, "issuer_not_trusted");
    assert.deepEqual(fetched, []);
    assert.equal(emu.requests.length, logged);
  });
});

describe("pps emulator: subscriptions (emulator-only registration)", () => {
  it("creates, lists, reads and deletes a subscription", async () => {
    const created = await call("POST", "/_emulator/subscriptions", {
      url: receiver.url,
      topics: ["orders/placed", "orders/placed", "orders/shipped"],
      subTopics: ["online"],
      tenantId: "OU9000",
    });
    assert.equal(created.status, 201);
    const sub = created.json;
    assert.match(String(sub.id), UUID);
    assert.deepEqual(sub.topics, ["orders/placed", "orders/shipped"]);
    assert.deepEqual(sub.subTopics, ["online"]);
    assert.equal(sub.tenantId, "OU9000");
    assert.ok(!Number.isNaN(Date.parse(String(sub.createdAt))));
    const list = await call("GET", "/_emulator/subscriptions");
    assert.ok((list.json.subscriptions as { id: string }[]).some((s) => s.id === sub.id));
    assert.deepEqual((await call("GET", `/_emulator/subscriptions/${String(sub.id)}`)).json, sub);
    await unsubscribe(String(sub.id));
    assert.equal((await call("DELETE", `/_emulator/subscriptions/${String(sub.id)}`)).status, 404);
    assert.equal((await call("GET", `/_emulator/subscriptions/${String(sub.id)}`)).status, 404);
  });

  it("rejects a malformed registration with 400 naming the field", async () => {
    const cases: [unknown, string][] = [
      ["{not json", "$"],
      [[], "$"],
      [{ url: "ftp://example.com/x", topics: ["orders/placed"], tenantId: "OU1" }, "url"],
      [{ url: receiver.url, topics: [], tenantId: "OU1" }, "topics"],
      [{ url: receiver.url, topics: ["orders placed"], tenantId: "OU1" }, "topics"],
      [{ url: receiver.url, topics: ["orders/placed"], subTopics: "online", tenantId: "OU1" }, "subTopics"],
      [{ url: receiver.url, topics: ["orders/placed"] }, "tenantId"],
    ];
    for (const [body, field] of cases) {
      const res = await call("POST", "/_emulator/subscriptions", body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.json.title, "One or more validation errors occurred.");
      assert.ok(
        field in (res.json.errors as object),
        `${JSON.stringify(body)} → ${JSON.stringify(res.json)}`,
      );
    }
    assert.equal((await call("PUT", "/_emulator/subscriptions", {})).status, 405);
  });
});

describe("pps emulator: events", () => {
  it("delivers every sample topic; each verifies with the real verifier via discovery against the emulator", async () => {
    const sub = await subscribe();
    const verify = verifier();
    for (const topic of PPS_TOPICS) {
      const { res, received } = await trigger({ topic });
      const [d] = received;
      assert.ok(d);
      const v = await verify(d);
      assert.equal(v.verified, true, JSON.stringify(v.checks));
      assert.equal(v.event, topic);
      const [planned] = res.deliveries as { webhookId: string; subscriptionId: string }[];
      assert.equal(planned?.subscriptionId, sub.id);
      assert.equal(v.dedupeKey, planned?.webhookId);
      assert.match(headerValue(d.headers, "X-Pps-Webhook-Id") ?? "", UUID);
      assert.equal(headerValue(d.headers, "X-Pps-Tenant-Id"), "OU1243");
      assert.equal(headerValue(d.headers, "X-Pps-Sub-Topic"), res.subTopic);
      assert.match(headerValue(d.headers, "X-Pps-Triggered-At") ?? "", TRIGGERED_AT);
      assert.equal(headerValue(d.headers, "Content-Type"), "application/json");
      const body = JSON.parse(Buffer.from(d.body).toString("utf8")) as Record<string, unknown>;
      assert.equal(JSON.stringify(body), Buffer.from(d.body).toString("utf8"), "compact JSON");
      assert.match(String(body.orderId), UUID);
      assert.equal(body.tenantId, "OU1243");

      const token = tokenOf(d);
      assert.equal(decodeProtectedHeader(token).alg, "RS256");
      const claims = decodeJwt(token);
      assert.equal(claims.iss, emu.issuer);
      assert.equal(claims.aud, emu.audience);
      assert.equal(claims.sub, claims.user_id);
      assert.equal(typeof claims.email, "string");
      assert.equal(claims.exp, (claims.iat ?? 0) + 3600);
      assert.deepEqual(claims.firebase, { identities: {}, sign_in_provider: "custom" });
    }
    await unsubscribe(sub.id);
  });

  it("matches subscriptions on topic, tenant and sub-topic filter; caller data is posted as compact JSON", async () => {
    const a = await subscribe({ topics: ["orders/shipped"], tenantId: "OU1" });
    const b = await subscribe({ topics: ["orders/shipped"], subTopics: ["partial"], tenantId: "OU2" });
    const c = await subscribe({ topics: ["orders/placed"], tenantId: "OU1" });

    const both = await trigger({ topic: "orders/shipped", subTopic: "partial" }, 2);
    const ids = (both.res.deliveries as { subscriptionId: string; tenantId: string }[]).map(
      (x) => x.subscriptionId,
    );
    assert.deepEqual(ids.sort(), [a.id, b.id].sort());
    assert.deepEqual(both.received.map((d) => headerValue(d.headers, "X-Pps-Tenant-Id")).sort(), [
      "OU1",
      "OU2",
    ]);
    const [one, two] = both.received.map(
      (d) => JSON.parse(Buffer.from(d.body).toString("utf8")) as { orderId: string },
    );
    assert.equal(one?.orderId, two?.orderId, "one order, told to each subscriber");

    // "complete" (the default sub-topic) does not pass b's filter; tenant OU2 excludes a.
    const count = receiver.received.length;
    const onlyA = await call("POST", "/_emulator/events", { topic: "orders/shipped" });
    assert.deepEqual(
      (onlyA.json.deliveries as { subscriptionId: string }[]).map((x) => x.subscriptionId),
      [a.id],
    );
    assert.equal(onlyA.json.subTopic, "complete");
    const none = await call("POST", "/_emulator/events", {
      topic: "orders/shipped",
      subTopic: "complete",
      tenantId: "OU2",
    });
    assert.deepEqual(none.json.deliveries, []);
    await receiver.waitFor(count + 1); // a's delivery, before the next trigger counts

    const data = { orderId: "custom-1", note: "ünïcode", nested: { list: [1, 2.5, true, null] } };
    const custom = await trigger({ topic: "orders/placed", tenantId: "OU1", data });
    assert.equal(Buffer.from(custom.received[0]?.body ?? []).toString("utf8"), JSON.stringify(data));
    assert.deepEqual(
      (custom.res.deliveries as { subscriptionId: string }[]).map((x) => x.subscriptionId),
      [c.id],
    );

    for (const s of [a, b, c]) await unsubscribe(s.id);
  });

  it("accepts an undocumented topic only with data; rejects a malformed trigger with 400", async () => {
    const sub = await subscribe({ topics: ["inventory/adjusted"] });
    const { received } = await trigger({
      topic: "inventory/adjusted",
      data: { sku: "TSH-BLK-M", delta: -2 },
    });
    assert.equal(headerValue(received[0]?.headers ?? [], "X-Pps-Topic"), "inventory/adjusted");
    assert.equal(headerValue(received[0]?.headers ?? [], "X-Pps-Sub-Topic"), undefined);
    await unsubscribe(sub.id);

    const cases: [unknown, string][] = [
      ["[", "$"],
      [{}, "topic"],
      [{ topic: "orders" }, "topic"],
      [{ topic: "inventory/adjusted" }, "data"],
      [{ topic: "orders/placed", subTopic: 7 }, "subTopic"],
      [{ topic: "orders/placed", tenantId: "" }, "tenantId"],
    ];
    for (const [body, field] of cases) {
      const res = await call("POST", "/_emulator/events", body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(field in (res.json.errors as object), JSON.stringify(res.json));
    }
  });
});

describe("pps emulator: key rotation", () => {
  it("a new key signs after a rotation; old- and new-key tokens both verify; two rotations retire the first key", async () => {
    const sub = await subscribe({ topics: ["orders/placed"] });
    const verify = verifier();
    const [old] = (await trigger({ topic: "orders/placed" })).received;
    assert.ok(old);
    assert.equal((await verify(old)).verified, true); // caches the one-key JWKS

    const rotated = await call("POST", "/_emulator/rotate-keys");
    assert.equal(rotated.status, 200);
    const oldKid = decodeProtectedHeader(tokenOf(old)).kid;
    assert.equal(rotated.json.previousKid, oldKid);
    assert.deepEqual(rotated.json.published, [rotated.json.kid, oldKid]);

    const [fresh] = (await trigger({ topic: "orders/placed" })).received;
    assert.ok(fresh);
    assert.equal(decodeProtectedHeader(tokenOf(fresh)).kid, rotated.json.kid);
    assert.equal((await verify(fresh)).verified, true, "unknown kid → JWKS refetched");
    assert.equal((await verify(old)).verified, true, "old key still published");
    assert.equal((await verifier()(old)).verified, true, "and found by a fresh discovery");

    await call("POST", "/_emulator/rotate-keys");
    const retired = await verifier()(old);
    assert.equal(retired.reason, "unknown_key");
    assert.equal((await verifier()(fresh)).verified, true);
    await unsubscribe(sub.id);
  });
});

describe("pps emulator: controls", () => {
  it("GET /_emulator/deliveries lists the attempts with the bearer JWT redacted", async () => {
    const res = await call("GET", "/_emulator/deliveries");
    assert.equal(res.status, 200);
    const deliveries = res.json.deliveries as {
      headers: [string, string][];
      outcome: string;
      eventId: string;
    }[];
    assert.ok(deliveries.length >= 1);
    assert.equal(deliveries.length, emu.engine.attempts.length);
    const auth = deliveries[0]?.headers.find(([n]) => n === "Authorization");
    assert.deepEqual(auth, ["Authorization", "Bearer [redacted]"]);
    assert.ok(!JSON.stringify(res.json).includes("eyJ"), "no token anywhere");
    assert.equal(deliveries[0]?.outcome, "delivered");
    assert.match(deliveries[0]?.eventId ?? "", UUID);
  });

  it("close() is idempotent and stops the server", async () => {
    const other = await startPpsEmulator();
    await Promise.all([other.close(), other.close()]);
    await other.close();
    await assert.rejects(fetch(`${other.url}/_emulator/subscriptions`));
  });
});
