import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { headerValue } from "../../src/core/delivery.js";
import type { RunningEmulator } from "../../src/emulators/types.js";
import { PROVIDERS } from "../../src/providers/index.js";
import type { KopoKopoEmulatorOptions } from "../../src/providers/kopokopo/emulator.js";
import { startKopoKopoEmulator } from "../../src/providers/kopokopo/emulator.js";
import { KOPOKOPO_COMPANY_EVENTS, KOPOKOPO_TILL_EVENTS } from "../../src/providers/kopokopo/info.js";
import { signKopoKopo } from "../../src/providers/kopokopo/sign.js";
import { envOf, track } from "../helpers/api.js";
import { closedPort } from "../helpers/http-server.js";
import { type Received, startReceiver } from "../helpers/receiver.js";

const FAST = 0.0001;
async function emulator(options: KopoKopoEmulatorOptions = {}): Promise<RunningEmulator> {
  const emu = await startKopoKopoEmulator({ timeScale: FAST, ...options });
  return track(emu);
}

const env = envOf;

function tokenRequest(
  emu: RunningEmulator,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return fetch(`${emu.url}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

async function token(emu: RunningEmulator): Promise<string> {
  const res = await tokenRequest(emu, {
    client_id: env(emu, "KOPOKOPO_CLIENT_ID"),
    client_secret: env(emu, "KOPOKOPO_CLIENT_SECRET"),
    grant_type: "client_credentials",
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function api(emu: RunningEmulator, method: string, path: string, body?: unknown, bearer?: string) {
  const auth = bearer ?? (await token(emu));
  return fetch(path.startsWith("http") ? path : `${emu.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${auth}`,
      "content-type": "application/json",
      accept: "application/json",
    },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
}

async function subscribe(
  emu: RunningEmulator,
  fields: Record<string, unknown>,
  version = "v2",
): Promise<string> {
  const res = await api(emu, "POST", `/api/${version}/webhook_subscriptions`, fields);
  assert.equal(res.status, 201, await res.clone().text());
  const location = res.headers.get("location");
  assert.ok(location);
  return location;
}

async function control(emu: RunningEmulator, path: string, body: unknown): Promise<Response> {
  return fetch(`${emu.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

const verifyWith = (emu: RunningEmulator, delivery: Received) =>
  PROVIDERS.kopokopo.verify(delivery, { at: delivery.receivedAt, secrets: [env(emu, "KOPOKOPO_API_KEY")] });

interface K2Body {
  topic: string;
  id: string;
  created_at: string;
  event: { type: string; resource: Record<string, unknown> };
  _links: { self: string; resource: string };
}
interface K2Result {
  data: {
    type: string;
    attributes: {
      status: string;
      event: { resource: Record<string, unknown> };
      metadata: unknown;
      _links: { self: string; callback_url: string };
    };
  };
}
const parse = (delivery: Received): unknown => JSON.parse(Buffer.from(delivery.body).toString("utf8"));
const bodyOf = (delivery: Received) => parse(delivery) as K2Body;

describe("kopokopo emulator: /oauth/token", () => {
  it("issues a Bearer token for the generated client (form or HTTP Basic)", async () => {
    const emu = await emulator();
    const res = await tokenRequest(emu, {
      client_id: env(emu, "KOPOKOPO_CLIENT_ID"),
      client_secret: env(emu, "KOPOKOPO_CLIENT_SECRET"),
      grant_type: "client_credentials",
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ["token_type", "expires_in", "access_token", "created_at"]);
    assert.equal(body.token_type, "Bearer");
    assert.equal(body.expires_in, 3600);
    assert.equal(typeof body.access_token, "string");
    assert.ok(Math.abs(Number(body.created_at) - Date.now() / 1000) < 5);

    const basic = Buffer.from(
      `${env(emu, "KOPOKOPO_CLIENT_ID")}:${env(emu, "KOPOKOPO_CLIENT_SECRET")}`,
    ).toString("base64");
    const viaBasic = await tokenRequest(
      emu,
      { grant_type: "client_credentials" },
      { authorization: `Basic ${basic}` },
    );
    assert.equal(viaBasic.status, 200);
  });

  it("refuses bad credentials, a missing or wrong grant type, in Doorkeeper's error shape", async () => {
    const emu = await emulator();
    const id = env(emu, "KOPOKOPO_CLIENT_ID");
    const bad = await tokenRequest(emu, {
      client_id: id,
      client_secret: "nope",
      grant_type: "client_credentials",
    });
    assert.equal(bad.status, 401);
    assert.equal(((await bad.json()) as { error: string }).error, "invalid_client");
    const secret = env(emu, "KOPOKOPO_CLIENT_SECRET");
    const missing = await tokenRequest(emu, { client_id: id, client_secret: secret });
    assert.equal(missing.status, 400);
    assert.equal(((await missing.json()) as { error: string }).error, "invalid_request");
    const wrong = await tokenRequest(emu, { client_id: id, client_secret: secret, grant_type: "password" });
    assert.equal(wrong.status, 400);
    const body = (await wrong.json()) as { error: string; error_description: string };
    assert.equal(body.error, "unsupported_grant_type");
    assert.match(body.error_description, /grant type is not supported/);
    assert.equal((await fetch(`${emu.url}/oauth/token`)).status, 405);
  });
});

describe("kopokopo emulator: access tokens on API calls", () => {
  it("answers 401 InvalidAccessToken without or with an unknown token", async () => {
    const emu = await emulator();
    for (const bearer of ["", "not-a-token"]) {
      const res = await api(emu, "GET", "/api/v2/webhook_subscriptions/x", undefined, bearer);
      assert.equal(res.status, 401);
      assert.deepEqual(await res.json(), { error_code: 401, error_message: "InvalidAccessToken" });
      assert.match(
        res.headers.get("www-authenticate") ?? "",
        /^Bearer realm="Doorkeeper", error="invalid_token"/,
      );
    }
  });

  it("answers 401 ExpiredAccessToken once the token's hour has passed on the emulator clock", async () => {
    let clock = Date.parse("2026-11-23T10:00:00Z");
    const emu = await emulator({ now: () => new Date(clock) });
    const bearer = await token(emu);
    const location = await subscribe(emu, {
      event_type: "customer_created",
      url: "https://example.com/h",
      scope: "company",
    });
    assert.equal((await api(emu, "GET", location, undefined, bearer)).status, 200);
    clock += 3600 * 1000;
    const res = await api(emu, "GET", location, undefined, bearer);
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), { error_code: 401, error_message: "ExpiredAccessToken" });
  });

  it("POST /_emulator/expire-tokens expires every token now", async () => {
    const emu = await emulator();
    const bearer = await token(emu);
    const expire = await control(emu, "/_emulator/expire-tokens", {});
    assert.deepEqual(await expire.json(), { expired: 1 });
    const res = await api(emu, "GET", "/api/v2/webhook_subscriptions/x", undefined, bearer);
    assert.equal(((await res.json()) as { error_message: string }).error_message, "ExpiredAccessToken");
  });
});

describe("kopokopo emulator: webhook subscriptions", () => {
  it("v2 and v1: 201, empty body, Location; GET <location> gives the subscription", async () => {
    const emu = await emulator();
    const till = env(emu, "KOPOKOPO_TILL_NUMBER");
    for (const version of ["v2", "v1"]) {
      const res = await api(emu, "POST", `/api/${version}/webhook_subscriptions`, {
        event_type: "buygoods_transaction_received",
        url: "https://myapplication.com/webhooks",
        scope: "till",
        scope_reference: till,
      });
      assert.equal(res.status, 201);
      assert.equal(await res.text(), "");
      const location = res.headers.get("location") ?? "";
      assert.match(location, new RegExp(`^${emu.url}/api/${version}/webhook_subscriptions/[0-9a-f-]{36}$`));
      const got = await api(emu, "GET", location);
      assert.equal(got.status, 200);
      const id = location.split("/").pop();
      assert.deepEqual(await got.json(), {
        data: {
          id,
          type: "webhook_subscription",
          attributes: {
            event_type: "buygoods_transaction_received",
            webhook_uri: "https://myapplication.com/webhooks",
            status: "Active",
            scope: "till",
            scope_reference: till,
          },
        },
      });
      // The developer guide also shows the subscription under /webhook_subscriptions/{id}.
      assert.equal((await api(emu, "GET", `/webhook_subscriptions/${id}`)).status, 200);
    }
  });

  it("refuses invalid subscriptions with 400 {error_code, error_message}", async () => {
    const emu = await emulator();
    const till = env(emu, "KOPOKOPO_TILL_NUMBER");
    const url = "https://example.com/hooks";
    const cases: [Record<string, unknown> | string, RegExp][] = [
      [
        { event_type: "m2m_transaction_received", url, scope: "company" },
        /Event type 'm2m_transaction_received' is invalid/,
      ],
      [{ url, scope: "company" }, /Event type can't be blank/],
      [
        { event_type: "buygoods_transaction_received", url, scope: "till" },
        /Scope reference must be present/,
      ],
      [
        { event_type: "settlement_transfer_completed", url, scope: "till", scope_reference: till },
        /company scope/,
      ],
      [{ event_type: "customer_created", url, scope: "shop" }, /Scope must be one of/],
      [{ event_type: "customer_created", url: "not a url", scope: "company" }, /Url is not a valid url/],
      [
        { event_type: "buygoods_transaction_received", url, scope: "till", scope_reference: "000001" },
        /does not belong/,
      ],
      [
        { event_type: "card_transaction_received", url, scope: "company", enable_daraja_payload: true },
        /Daraja/,
      ],
      ["{not json", /JSON object/],
    ];
    for (const [body, message] of cases) {
      const res = await api(emu, "POST", "/api/v2/webhook_subscriptions", body);
      assert.equal(res.status, 400, JSON.stringify(body));
      const error = (await res.json()) as { error_code: number; error_message: string };
      assert.equal(error.error_code, 400);
      assert.match(error.error_message, message);
    }
  });

  it("404s an unknown subscription, an unknown route; 405s a wrong method", async () => {
    const emu = await emulator();
    const missing = await api(
      emu,
      "GET",
      "/api/v2/webhook_subscriptions/00000000-0000-0000-0000-000000000000",
    );
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), {
      error_code: 404,
      error_message: "Webhook subscription not found",
    });
    const route = await api(emu, "GET", "/api/v9/nothing");
    assert.equal(route.status, 404);
    assert.equal(((await route.json()) as { error_code: number }).error_code, 404);
    assert.equal((await api(emu, "DELETE", "/api/v2/webhook_subscriptions")).status, 405);
  });
});

describe("kopokopo emulator: deliveries", () => {
  it("a simulated buy-goods payment reaches till and company subscribers, exactly as seed 001, and verifies", async () => {
    const emu = await emulator({ tillNumbers: ["514459", "600100"] });
    const tillHook = await startReceiver();
    const companyHook = await startReceiver();
    const otherTill = await startReceiver();
    after(() => Promise.all([tillHook.close(), companyHook.close(), otherTill.close()]));
    await subscribe(emu, {
      event_type: "buygoods_transaction_received",
      url: tillHook.url,
      scope: "till",
      scope_reference: "514459",
    });
    await subscribe(
      emu,
      { event_type: "buygoods_transaction_received", url: companyHook.url, scope: "company" },
      "v1",
    );
    await subscribe(emu, {
      event_type: "buygoods_transaction_received",
      url: otherTill.url,
      scope: "till",
      scope_reference: "600100",
    });

    const res = await control(emu, "/_emulator/simulate/buygoods", { till_number: "514459", amount: 250 });
    assert.equal(res.status, 202);
    const summary = (await res.json()) as { event_id: string; deliveries: unknown[]; self: string };
    assert.equal(summary.deliveries.length, 2);

    const [delivery] = await tillHook.waitFor(1);
    const [copy] = await companyHook.waitFor(1);
    assert.ok(delivery && copy);
    const v = await verifyWith(emu, delivery);
    assert.equal(v.verified, true, v.reason ?? "");
    assert.equal(v.event, "buygoods_transaction_received");
    assert.equal(v.dedupeKey, `${emu.url}/webhook_events/${summary.event_id}`);
    assert.equal((await verifyWith(emu, copy)).verified, true);
    assert.deepEqual(copy.body, delivery.body, "one event, the same bytes to every subscriber");
    assert.equal(
      headerValue(delivery.headers, "X-KopoKopo-Signature"),
      signKopoKopo(delivery.body, env(emu, "KOPOKOPO_API_KEY")),
    );
    assert.equal(headerValue(delivery.headers, "Content-Type"), "application/json");

    const body = bodyOf(delivery);
    assert.deepEqual(Object.keys(body), ["topic", "id", "created_at", "event", "_links"]);
    assert.equal(body.id, summary.event_id);
    assert.match(body.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00$/);
    assert.equal(body.event.type, "Buygoods Transaction");
    const r = body.event.resource;
    assert.equal(r.amount, "250.0");
    assert.equal(r.till_number, "514459");
    assert.equal(r.status, "Received");
    assert.equal(r.currency, "KES");
    assert.equal(body._links.self, summary.self);
    assert.equal(body._links.resource, `${emu.url}/financial_transaction/${r.id}`);

    await emu.engine.idle();
    assert.equal(otherTill.received.length, 0, "another till's subscriber gets nothing");

    // `_links` point at the emulator, readable with a client-credentials token (seed 001).
    const event = await api(emu, "GET", body._links.self);
    assert.deepEqual(await event.json(), body);
    const resource = (await (await api(emu, "GET", body._links.resource)).json()) as {
      data: { attributes: unknown };
    };
    assert.deepEqual(resource.data.attributes, r);
    assert.equal((await api(emu, "GET", body._links.self, undefined, "bad")).status, 401);
  });

  it("every till and company event type can be emitted and verifies", async () => {
    const emu = await emulator();
    const hook = await startReceiver();
    after(() => hook.close());
    const till = env(emu, "KOPOKOPO_TILL_NUMBER");
    for (const event_type of KOPOKOPO_TILL_EVENTS)
      await subscribe(emu, { event_type, url: hook.url, scope: "till", scope_reference: till });
    for (const event_type of KOPOKOPO_COMPANY_EVENTS)
      await subscribe(emu, { event_type, url: hook.url, scope: "company" });
    const all = [...KOPOKOPO_TILL_EVENTS, ...KOPOKOPO_COMPANY_EVENTS];
    for (const event_type of all)
      assert.equal((await control(emu, "/_emulator/events", { event_type })).status, 202);
    const received = await hook.waitFor(all.length);
    const topics = [];
    for (const delivery of received) {
      const v = await verifyWith(emu, delivery);
      assert.equal(v.verified, true, v.reason ?? "");
      topics.push(v.event);
    }
    assert.deepEqual(topics.sort(), [...all].sort());
    const unknown = await control(emu, "/_emulator/events", { event_type: "m2m_transaction_received" });
    assert.equal(unknown.status, 400);
  });

  it("an STK push (POST /api/v1/incoming_payments) pays the till and posts the result to the callback", async () => {
    const emu = await emulator();
    const till = env(emu, "KOPOKOPO_TILL_NUMBER");
    const hook = await startReceiver();
    const callback = await startReceiver();
    after(() => Promise.all([hook.close(), callback.close()]));
    await subscribe(emu, {
      event_type: "buygoods_transaction_received",
      url: hook.url,
      scope: "till",
      scope_reference: till,
    });
    const res = await api(emu, "POST", "/api/v1/incoming_payments", {
      payment_channel: "M-PESA STK Push",
      till_number: till,
      subscriber: {
        first_name: "Joe",
        last_name: "Buyer",
        phone_number: "+254799999999",
        email: "joe@example.com",
      },
      amount: { currency: "KES", value: "20000" },
      metadata: { customer_id: "123456789", notes: "Payment for invoice 12345" },
      _links: { callback_url: callback.url },
    });
    assert.equal(res.status, 201);
    assert.equal(await res.text(), "");
    const location = res.headers.get("location") ?? "";
    assert.match(location, new RegExp(`^${emu.url}/api/v1/incoming_payments/[0-9a-f-]{36}$`));

    const [payment] = await hook.waitFor(1);
    assert.ok(payment);
    assert.equal((await verifyWith(emu, payment)).verified, true);
    const r = bodyOf(payment).event.resource;
    assert.deepEqual(
      [r.amount, r.till_number, r.sender_first_name, r.sender_last_name, r.sender_phone_number],
      ["20000.0", till, "Joe", "Buyer", "+254799999999"],
    );

    const [result] = await callback.waitFor(1);
    assert.ok(result);
    assert.equal(
      headerValue(result.headers, "X-KopoKopo-Signature"),
      signKopoKopo(result.body, env(emu, "KOPOKOPO_API_KEY")),
    );
    const data = (parse(result) as K2Result).data;
    assert.equal(data.type, "incoming_payment");
    assert.equal(data.attributes.status, "Success");
    assert.equal(data.attributes.event.resource.reference, r.reference);
    assert.equal(data.attributes._links.self, location);
    assert.deepEqual(data.attributes.metadata, {
      customer_id: "123456789",
      notes: "Payment for invoice 12345",
    });

    const status = await api(emu, "GET", location);
    assert.equal(status.status, 200);
    assert.deepEqual(await status.json(), parse(result));
  });

  it("refuses a bad STK push with 400 (the SDK's own message for a bad phone number)", async () => {
    const emu = await emulator();
    const res = await api(emu, "POST", "/api/v1/incoming_payments", {
      payment_channel: "M-PESA STK Push",
      till_number: env(emu, "KOPOKOPO_TILL_NUMBER"),
      subscriber: { first_name: "Joe", last_name: "Buyer", phone_number: "0799" },
      amount: { currency: "KES", value: "20" },
      _links: { callback_url: "https://example.com/cb" },
    });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), {
      error_code: 400,
      error_message: "Subscriber phone number is an invalid number",
    });
    assert.equal((await api(emu, "GET", "/api/v1/incoming_payments/nope")).status, 404);
  });

  it("a Daraja-payload subscription receives the Daraja body, signed the same way", async () => {
    const emu = await emulator();
    const hook = await startReceiver();
    after(() => hook.close());
    const till = env(emu, "KOPOKOPO_TILL_NUMBER");
    await subscribe(emu, {
      event_type: "buygoods_transaction_received",
      url: hook.url,
      scope: "till",
      scope_reference: till,
      enable_daraja_payload: true,
    });
    await control(emu, "/_emulator/simulate/buygoods", { amount: "100" });
    const [delivery] = await hook.waitFor(1);
    assert.ok(delivery);
    const body = parse(delivery) as Record<string, unknown>;
    assert.equal(body.BusinessShortCode, till);
    assert.equal(body.TransAmount, "100.0");
    assert.match(String(body.TransTime), /^\d{14}$/);
    assert.equal(
      headerValue(delivery.headers, "X-KopoKopo-Signature"),
      signKopoKopo(delivery.body, env(emu, "KOPOKOPO_API_KEY")),
    );
  });
});

describe("kopokopo emulator: retries (policy unknown: configurable, default documented)", () => {
  it("retries a failing receiver on the schedule with the same bytes, until a 2xx", async () => {
    const emu = await emulator();
    const hook = await startReceiver([500, 503, 404, 200]);
    after(() => hook.close());
    await subscribe(emu, { event_type: "customer_created", url: hook.url, scope: "company" });
    await control(emu, "/_emulator/events", { event_type: "customer_created" });
    const received = await hook.waitFor(4);
    const [first] = received;
    assert.ok(first);
    for (const again of received) {
      assert.deepEqual(again.body, first.body, "same body (same id, same _links.self)");
      assert.equal(
        headerValue(again.headers, "X-KopoKopo-Signature"),
        headerValue(first.headers, "X-KopoKopo-Signature"),
      );
      assert.equal((await verifyWith(emu, again)).dedupeKey, (await verifyWith(emu, first)).dedupeKey);
    }
    await emu.engine.idle();
    assert.deepEqual(
      emu.engine.attempts.map((a) => [a.attempt, a.status, a.outcome]),
      [
        [1, 500, "retry scheduled"],
        [2, 503, "retry scheduled"],
        [3, 404, "retry scheduled"],
        [4, 200, "delivered"],
      ],
    );
    assert.equal(hook.received.length, 4);
  });

  it("gives up after the last configured offset; unreachable receivers are recorded too", async () => {
    const emu = await emulator({ retryOffsetsMs: [0, 60_000, 120_000] });
    const hook = await startReceiver([500]);
    after(() => hook.close());
    await subscribe(emu, { event_type: "customer_created", url: hook.url, scope: "company" });
    const dead = `http://127.0.0.1:${await closedPort()}/hooks`;
    await subscribe(emu, { event_type: "customer_created", url: dead, scope: "company" });
    await control(emu, "/_emulator/events", { event_type: "customer_created" });
    await emu.engine.waitFor(6);
    await emu.engine.idle();
    const byUrl = (url: string) => emu.engine.attempts.filter((a) => a.url === url);
    assert.deepEqual(
      byUrl(hook.url).map((a) => a.outcome),
      ["retry scheduled", "retry scheduled", "gave up"],
    );
    const unreachable = byUrl(dead);
    assert.equal(unreachable.length, 3);
    assert.ok(unreachable.every((a) => a.status === null && a.error !== null));
    const listed = (await (await fetch(`${emu.url}/_emulator/deliveries`)).json()) as unknown[];
    assert.equal(listed.length, 6);
  });

  it("close() stops pending retries and is idempotent", async () => {
    const emu = await emulator({ timeScale: 1 });
    const hook = await startReceiver([500]);
    after(() => hook.close());
    await subscribe(emu, { event_type: "customer_created", url: hook.url, scope: "company" });
    await control(emu, "/_emulator/events", { event_type: "customer_created" });
    await emu.engine.waitFor(1);
    await Promise.all([emu.close(), emu.close()]);
    await emu.close();
    await emu.engine.idle();
    assert.equal(emu.engine.attempts.length, 1);
  });
});
