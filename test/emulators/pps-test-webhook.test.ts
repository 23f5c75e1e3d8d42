import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { decodeJwt } from "jose";
import { OidcKeyStore } from "../../src/adapters/jwks.js";
import { parseTrustedIssuers } from "../../src/config/trusted-issuers.js";
import { type Delivery, headerValue } from "../../src/core/delivery.js";
import { PROVIDERS } from "../../src/providers/index.js";
import { type PpsRunningEmulator, startPpsEmulator } from "../../src/providers/pps/emulator.js";
import { PPS_JWKS_TTL_MS } from "../../src/providers/pps/info.js";
import { closedPort } from "../helpers/http-server.js";
import { type Receiver, startReceiver } from "../helpers/receiver.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let emu: PpsRunningEmulator;
let receiver: Receiver;
before(async () => {
  emu = await startPpsEmulator({ timeScale: 0.0001 });
  receiver = await startReceiver((n) => [200, 403, 500][n] ?? 200);
});
after(async () => {
  await emu.close();
  await receiver.close();
});

const testWebhook = async (
  body: unknown,
  headers: Record<string, string> = {},
  token: string | null = emu.env.PPS_API_TOKEN ?? null,
) => {
  const res = await fetch(String(emu.env.PPS_TEST_URL), {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return {
    status: res.status,
    headers: res.headers,
    json: (await res.json()) as Record<string, unknown>,
  };
};

const verify = (d: Delivery) =>
  PROVIDERS.pps.verify(d, {
    at: d.receivedAt,
    secrets: [],
    trustedIssuers: parseTrustedIssuers(emu.env.PPS_TRUSTED_ISSUERS),
    keys: new OidcKeyStore({ fetch, now: () => new Date(), maxAgeMs: PPS_JWKS_TTL_MS, refetchIntervalMs: 0 }),
  });

describe("pps emulator: POST /webhooks/test", () => {
  it("posts testData verbatim (compact) with the caller's X-Pps-* headers, a new webhook id and a fresh JWT", async () => {
    const testData = { orderId: "SO-1001", lines: [{ sku: "A-1", qty: 2 }], note: "é \u2028" };
    const pretty = JSON.stringify({ address: receiver.url, testData }, null, 2);
    const res = await testWebhook(pretty, {
      "X-Pps-Topic": "orders/shipped",
      "X-Pps-Sub-Topic": "partial",
      "X-Pps-Tenant-Id": "OU5555",
      "X-Pps-Order-Source": "kiosk",
    });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const [d] = await receiver.waitFor(1);
    assert.ok(d);
    assert.equal(Buffer.from(d.body).toString("utf8"), JSON.stringify(testData));
    assert.equal(headerValue(d.headers, "X-Pps-Topic"), "orders/shipped");
    assert.equal(headerValue(d.headers, "X-Pps-Sub-Topic"), "partial");
    assert.equal(headerValue(d.headers, "X-Pps-Tenant-Id"), "OU5555");
    assert.equal(headerValue(d.headers, "X-Pps-Order-Source"), "kiosk");
    const webhookId = headerValue(d.headers, "X-Pps-Webhook-Id");
    assert.match(webhookId ?? "", UUID);
    assert.match(
      headerValue(d.headers, "X-Pps-Triggered-At") ?? "",
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/,
    );
    const v = await verify(d);
    assert.equal(v.verified, true, JSON.stringify(v.checks));
    assert.equal(v.event, "orders/shipped");
    assert.equal(v.dedupeKey, webhookId);
    assert.deepEqual(res.json, {
      webhookId,
      address: receiver.url,
      topic: "orders/shipped",
      subTopic: "partial",
      tenantId: "OU5555",
      triggeredAt: headerValue(d.headers, "X-Pps-Triggered-At"),
      statusCode: 200,
      succeeded: true,
      error: null,
    });
  });

  it("answers the receiver's 403 and 500 as they are, sending once (the test call is not retried)", async () => {
    const rejected = await testWebhook({ address: receiver.url, testData: { n: 2 } });
    assert.equal(rejected.status, 200);
    assert.equal(rejected.json.statusCode, 403);
    assert.equal(rejected.json.succeeded, false);
    const failed = await testWebhook({ address: receiver.url, testData: { n: 3 } });
    assert.equal(failed.json.statusCode, 500);
    assert.equal(failed.json.succeeded, false);
    await emu.engine.idle();
    assert.equal(receiver.received.length, 3);
    const ids = receiver.received.map((d) => headerValue(d.headers, "X-Pps-Webhook-Id"));
    assert.equal(new Set(ids).size, 3, "a new webhook id per call");
  });

  it("reports an unreachable address with a null status and the network error", async () => {
    const res = await testWebhook({ address: `http://127.0.0.1:${await closedPort()}/hook`, testData: {} });
    assert.equal(res.status, 200);
    assert.equal(res.json.statusCode, null);
    assert.equal(res.json.error, "ECONNREFUSED");
  });

  it("defaults topic and tenant when the caller sends no X-Pps-* headers, and omits the sub-topic", async () => {
    const before = receiver.received.length;
    await testWebhook({ address: receiver.url, testData: { ok: true } });
    const [d] = (await receiver.waitFor(before + 1)).slice(before);
    assert.equal(headerValue(d?.headers ?? [], "X-Pps-Topic"), "orders/placed");
    assert.equal(headerValue(d?.headers ?? [], "X-Pps-Tenant-Id"), "OU1243");
    assert.equal(headerValue(d?.headers ?? [], "X-Pps-Sub-Topic"), undefined);
  });

  it("401 for a missing, wrong or expired bearer; a newly issued one works", async () => {
    const body = { address: receiver.url, testData: {} };
    const missing = await testWebhook(body, {}, null);
    assert.equal(missing.status, 401);
    assert.equal(missing.headers.get("www-authenticate"), "Bearer");
    assert.equal(missing.json.title, "Unauthorized");
    const wrong = await testWebhook(body, {}, `${emu.env.PPS_API_TOKEN}x`);
    assert.equal(wrong.status, 401);
    assert.match(wrong.headers.get("www-authenticate") ?? "", /error="invalid_token"/);
    const basic = await testWebhook(body, { authorization: "Basic dXNlcjpwYXNz" }, null);
    assert.equal(basic.status, 401);

    const sent = receiver.received.length;
    const expired = await fetch(`${emu.url}/_emulator/expire-tokens`, { method: "POST" });
    assert.deepEqual(await expired.json(), { expired: 1 });
    const late = await testWebhook(body);
    assert.equal(late.status, 401);
    assert.match(String(late.json.detail), /expired/);
    assert.equal(receiver.received.length, sent, "nothing sent without a valid bearer");

    const issued = await fetch(`${emu.url}/_emulator/api-tokens`, { method: "POST" });
    assert.equal(issued.status, 201);
    const { token, tokenType, expiresIn } = (await issued.json()) as Record<string, unknown>;
    assert.equal(tokenType, "Bearer");
    assert.equal(expiresIn, 86_400);
    assert.equal((await testWebhook(body, {}, String(token))).status, 200);
  });

  it("400 for a malformed body, an address that is not http(s) or a missing testData", async () => {
    const issued = (await (await fetch(`${emu.url}/_emulator/api-tokens`, { method: "POST" })).json()) as {
      token: string;
    };
    const cases: [unknown, string][] = [
      ["{", "$"],
      ['"just a string"', "$"],
      [{ testData: {} }, "address"],
      [{ address: "ftp://127.0.0.1/x", testData: {} }, "address"],
      [{ address: "not a url", testData: {} }, "address"],
      [{ address: receiver.url }, "testData"],
      [{ address: receiver.url, testData: [1, 2] }, "testData"],
    ];
    for (const [body, field] of cases) {
      const res = await testWebhook(body, {}, issued.token);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.headers.get("content-type"), "application/problem+json; charset=utf-8");
      assert.ok(field in (res.json.errors as object), JSON.stringify(res.json));
    }
    const get = await fetch(String(emu.env.PPS_TEST_URL));
    assert.equal(get.status, 405);
  });
});

describe("pps emulator: the emulator clock", () => {
  it("signs tokens at the emulator's time and expires test-webhook bearers on it", async () => {
    let clock = Date.parse("2026-11-23T10:00:00.000Z");
    const timed = await startPpsEmulator({ now: () => new Date(clock), apiTokenTtlS: 600 });
    const sink = await startReceiver();
    try {
      const post = () =>
        fetch(String(timed.env.PPS_TEST_URL), {
          method: "POST",
          headers: { authorization: `Bearer ${timed.env.PPS_API_TOKEN}` },
          body: JSON.stringify({ address: sink.url, testData: { at: "clock" } }),
        });
      assert.equal((await post()).status, 200);
      const [d] = await sink.waitFor(1);
      const token = (headerValue(d?.headers ?? [], "Authorization") ?? "").slice("Bearer ".length);
      assert.equal(decodeJwt(token).iat, clock / 1000);
      assert.match(
        headerValue(d?.headers ?? [], "X-Pps-Triggered-At") ?? "",
        /^2026-11-23T10:00:00\.000\d{4}Z$/,
      );
      clock += 601_000;
      assert.equal((await post()).status, 401);
    } finally {
      await timed.close();
      await sink.close();
    }
  });
});
