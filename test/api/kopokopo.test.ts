import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { headerValue } from "../../src/core/delivery.js";
import { kopokopoApi } from "../../src/providers/kopokopo/api.js";
import {
  assertVerifies,
  bodyOf,
  context,
  emulator,
  emulatorCall,
  receiver,
  tokenRequests,
  withoutV2,
} from "./kopokopo-setup.js";

describe("kopokopo api: register", () => {
  it("creates a till subscription with v2, reports the Location and that deliveries are keyed with the API key", async () => {
    const emu = await emulator();
    const rx = await receiver();
    const ctx = context(emu.env);
    const outcome = await kopokopoApi.register({ url: rx.url }, ctx);
    assert.equal(outcome.provider, "kopokopo");
    assert.equal(outcome.action, "created");
    assert.match(outcome.id ?? "", new RegExp(`^${emu.url}/api/v2/webhook_subscriptions/[0-9a-f-]{36}$`));
    assert.equal(outcome.url, rx.url);
    assert.equal(outcome.secretSaved, false);
    assert.match(outcome.message, /buygoods_transaction_received subscription \(till \d+\)/);
    assert.match(outcome.message, /Location: http/);
    assert.match(outcome.message, /API key, not the client secret/);
    assert.match(outcome.message, /KOPOKOPO_API_KEY \(set\)/);
    assert.match(outcome.message, /whtool register --provider kopokopo --status http/);
    const shown = `${outcome.message}\n${JSON.stringify(outcome.details)}\n${ctx.said.join("\n")}`;
    for (const name of ["KOPOKOPO_API_KEY", "KOPOKOPO_CLIENT_SECRET"] as const)
      assert.ok(!shown.includes(emu.env[name] ?? "-"), `${name}'s value is not shown`);
    assert.equal(outcome.details.apiVersion, "v2");
    const subs = (await emulatorCall(emu, "GET", "/_emulator/subscriptions")) as Record<string, unknown>[];
    assert.deepEqual(
      subs.map((s) => s.attributes),
      [
        {
          event_type: "buygoods_transaction_received",
          webhook_uri: rx.url,
          status: "Active",
          scope: "till",
          scope_reference: emu.env.KOPOKOPO_TILL_NUMBER,
        },
      ],
    );
  });

  it("--status reads the subscription back from its Location, a path or a bare id", async () => {
    const emu = await emulator();
    const rx = await receiver();
    const ctx = context(emu.env);
    const created = await kopokopoApi.register({ url: rx.url, events: ["customer_created"] }, ctx);
    const location = created.id ?? "";
    assert.match(created.message, /customer_created subscription \(company\)/);
    const read = await kopokopoApi.register({ status: location }, ctx);
    assert.equal(read.action, "read");
    assert.equal(read.id, location);
    assert.equal(read.url, rx.url);
    assert.equal(read.details.event_type, "customer_created");
    assert.equal(read.details.scope, "company");
    assert.equal(read.details.status, "Active");
    assert.match(read.message, /event type: customer_created, status: Active/);
    const id = location.split("/").pop() ?? "";
    const byPath = await kopokopoApi.register({ status: new URL(location).pathname }, ctx);
    assert.equal(byPath.details.id, id);
    const byId = await kopokopoApi.register({ status: id }, ctx);
    assert.equal(byId.url, rx.url);
  });

  it("falls back to /api/v1/webhook_subscriptions when v2 answers 404", async () => {
    const emu = await emulator();
    const rx = await receiver();
    const proxy = await withoutV2(emu);
    const ctx = context({ ...emu.env, KOPOKOPO_API_URL: proxy.url });
    const outcome = await kopokopoApi.register(
      { url: rx.url, events: ["buygoods_transaction_received", "buygoods_transaction_reversed"] },
      ctx,
    );
    assert.equal(outcome.details.apiVersion, "v1");
    const ids = (outcome.id ?? "").split(",");
    assert.equal(ids.length, 2);
    for (const id of ids) assert.match(id, /\/api\/v1\/webhook_subscriptions\//);
    // v2 was tried once; the second event went straight to v1.
    assert.deepEqual(
      proxy.seen.filter((line) => line.includes("webhook_subscriptions")),
      [
        "POST /api/v2/webhook_subscriptions",
        "POST /api/v1/webhook_subscriptions",
        "POST /api/v1/webhook_subscriptions",
      ],
    );
    assert.match(outcome.message, /API used: \/api\/v1\/webhook_subscriptions/);
  });
});

describe("kopokopo api: triggers", () => {
  it("buygoods explains there is no test endpoint and, on the emulator, simulates a payment that verifies with the API key", async () => {
    const emu = await emulator();
    const rx = await receiver();
    const ctx = context(emu.env);
    await kopokopoApi.register({ url: rx.url }, ctx);
    const outcome = await kopokopoApi.trigger({ name: "buygoods", amount: "250" }, ctx);
    assert.match(outcome.message, /Kopo Kopo has no test-webhook endpoint/);
    assert.match(outcome.message, /POST \/api\/v1\/incoming_payments/);
    assert.match(outcome.message, /simulated an M-PESA payment of KES 250\.0/);
    assert.equal(outcome.details.emulator, true);
    assert.deepEqual(outcome.details.deliveries, [rx.url]);
    const [d] = await rx.waitFor(1);
    assert.ok(d);
    assert.ok(headerValue(d.headers, "X-KopoKopo-Signature"));
    const body = bodyOf(d);
    assert.equal(body.topic, "buygoods_transaction_received");
    const resource = (body.event as Record<string, Record<string, unknown>>).resource ?? {};
    assert.equal(resource.amount, "250.0");
    assert.equal(resource.till_number, emu.env.KOPOKOPO_TILL_NUMBER);
    await assertVerifies(emu, d);
  });

  it("buygoods against something that is not the emulator sends nothing and says how deliveries really happen", async () => {
    // An IPv4-mapped loopback address is not taken as loopback, so the emulator probe runs and finds nothing.
    const ctx = context({ KOPOKOPO_API_URL: "http://[::ffff:7f00:1]:9" });
    const outcome = await kopokopoApi.trigger({ name: "buygoods" }, ctx);
    assert.equal(outcome.details.emulator, false);
    assert.equal(outcome.details.sent, false);
    assert.match(outcome.message, /no test-webhook endpoint/);
    assert.match(outcome.message, /is not whtool's emulator, so nothing was sent/);
    assert.match(outcome.message, /whtool trigger stk-push/);
  });

  it("buygoods with no matching subscription says to register first", async () => {
    const emu = await emulator();
    const outcome = await kopokopoApi.trigger({ name: "buygoods" }, context(emu.env));
    assert.equal(outcome.details.sent, false);
    assert.match(outcome.message, /run whtool register --provider kopokopo/);
  });

  it("stk-push starts an incoming payment, reports its Location; the result and the buygoods event verify", async () => {
    const emu = await emulator();
    const subscribed = await receiver();
    const callback = await receiver();
    const ctx = context(emu.env);
    await kopokopoApi.register({ url: subscribed.url }, ctx);
    const outcome = await kopokopoApi.trigger({ name: "stk-push", to: callback.url, amount: "10" }, ctx);
    assert.match(String(outcome.details.location), new RegExp(`^${emu.url}/api/v1/incoming_payments/`));
    assert.match(outcome.message, /Location: http/);
    assert.match(outcome.message, /KES 10\.0 from \+254999999999/);
    const [result] = await callback.waitFor(1);
    assert.ok(result);
    const data = bodyOf(result).data as Record<string, unknown>;
    assert.equal(data.type, "incoming_payment");
    await assertVerifies(emu, result);
    const [event] = await subscribed.waitFor(1);
    assert.ok(event);
    assert.equal(bodyOf(event).topic, "buygoods_transaction_received");
    await assertVerifies(emu, event);
  });

  it("renews an expired token once (emulator expire-tokens) and reuses it otherwise", async () => {
    const emu = await emulator();
    const rx = await receiver();
    const ctx = context(emu.env);
    const created = await kopokopoApi.register({ url: rx.url }, ctx);
    await kopokopoApi.register({ status: created.id ?? "" }, ctx);
    assert.equal(tokenRequests(emu), 1);
    await fetch(`${emu.url}/_emulator/expire-tokens`, { method: "POST" });
    const read = await kopokopoApi.register({ status: created.id ?? "" }, ctx);
    assert.equal(read.url, rx.url);
    assert.equal(tokenRequests(emu), 2, "renewed exactly once");
    assert.equal(emu.requests.filter((r) => r.status === 401).length, 1);
  });

  it("lists its triggers and defaults to buygoods", () => {
    assert.equal(kopokopoApi.defaultTrigger, "buygoods");
    assert.deepEqual(Object.keys(kopokopoApi.triggers).sort(), ["buygoods", "stk-push"]);
    assert.equal(kopokopoApi.unregister, undefined, "Kopo Kopo documents no delete for subscriptions");
  });
});
