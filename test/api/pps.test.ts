import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { headerValue } from "../../src/core/delivery.js";
import { ppsApi } from "../../src/providers/pps/api.js";
import { assertVerifies, bodyOf, context, emulator, receiver } from "./pps-setup.js";

const SEPARATOR = /^-{64}$/;

/** The text between the two separator lines: what the user sends the representative. */
function block(message: string): string[] {
  const lines = message.split("\n");
  const start = lines.findIndex((l) => SEPARATOR.test(l));
  const end = lines.findIndex((l, i) => i > start && SEPARATOR.test(l));
  assert.ok(start >= 0 && end > start, message);
  return lines.slice(start + 1, end);
}

describe("pps api: register prints what to send the account representative", () => {
  it("URL, topics with sub-topics, tenant id and the PPS_TRUSTED_ISSUERS format; nothing is sent", async () => {
    const ctx = context({});
    const outcome = await ppsApi.register(
      {
        url: "https://hooks.example.com/pps",
        events: ["orders/placed:online", "orders/placed:phone", "orders/shipped"],
        tenant: "OU1243",
      },
      ctx,
    );
    assert.equal(outcome.provider, "pps");
    assert.equal(outcome.action, "instructions");
    assert.equal(outcome.id, null);
    assert.equal(outcome.url, "https://hooks.example.com/pps");
    assert.equal(outcome.secretSaved, false);
    assert.deepEqual(block(outcome.message), [
      "Please set up a PointServices webhook subscription for us:",
      "  Endpoint URL: https://hooks.example.com/pps",
      "  Topics: orders/placed (sub-topics: online, phone); orders/shipped (all sub-topics)",
      "  Tenant id: OU1243",
      "Please also send us:",
      "  - the issuer (iss) and audience (aud) of the JWTs your deliveries carry, so that we can trust them;",
      "  - the test-webhook endpoint URL and an API token for it.",
    ]);
    assert.match(outcome.message, /no public API to register webhooks/);
    assert.match(
      outcome.message,
      /PPS_TRUSTED_ISSUERS=https:\/\/securetoken\.google\.com\/<project>=<project>/,
    );
    assert.match(outcome.message, /comma-separated ISSUER or ISSUER=AUDIENCE entries/);
    assert.doesNotMatch(outcome.message, /Warning/);
    assert.doesNotMatch(outcome.message, /_emulator/);
    assert.deepEqual(outcome.details.topics, [
      { topic: "orders/placed", subTopics: ["online", "phone"] },
      { topic: "orders/shipped", subTopics: [] },
    ]);
    assert.deepEqual(await ctx.state.secrets("pps"), []);
  });

  it("defaults to orders/placed, asks for the tenant id when none is given, and warns about a non-https URL", async () => {
    const outcome = await ppsApi.register({ url: "http://127.0.0.1:8080/webhooks" }, context({}));
    const sent = block(outcome.message);
    assert.ok(sent.includes("  Topics: orders/placed (all sub-topics)"));
    assert.ok(sent.includes("  Tenant id: <our tenant id, e.g. OU1243>"));
    assert.match(
      outcome.message,
      /Warning: http:\/\/127\.0\.0\.1:8080\/webhooks is not https\. PointServices will need an https URL/,
    );
    assert.match(outcome.message, /No --tenant given/);
    assert.equal(outcome.details.https, false);
  });

  it("against the emulator it also shows its registration call, which works as printed (no request made by register)", async () => {
    const emu = await emulator();
    const rx = await receiver();
    const outcome = await ppsApi.register(
      { url: rx.url, events: ["orders/shipped:partial"], tenant: "OU7" },
      context(emu.env),
    );
    assert.equal(emu.requests.length, 0, "register sends nothing");
    const line = outcome.message.split("\n").find((l) => l.trim().startsWith("POST "));
    assert.ok(line, outcome.message);
    const [, endpoint = "", json = ""] = /POST (\S+) (\{.*\})$/.exec(line.trim()) ?? [];
    assert.equal(endpoint, `${emu.url}/_emulator/subscriptions`);
    assert.equal(outcome.details.emulatorEndpoint, endpoint);
    assert.deepEqual(JSON.parse(json), {
      url: rx.url,
      topics: ["orders/shipped"],
      subTopics: ["partial"],
      tenantId: "OU7",
    });
    // What the representative would do: the printed call, then an event on that topic.
    const created = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: json,
    });
    assert.equal(created.status, 201);
    const event = await fetch(`${emu.url}/_emulator/events`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ topic: "orders/shipped", subTopic: "partial" }),
    });
    assert.equal(event.status, 202);
    const [d] = await rx.waitFor(1);
    assert.ok(d);
    assert.equal(headerValue(d.headers, "X-Pps-Tenant-Id"), "OU7");
    await assertVerifies(emu, d);
  });
});

describe("pps api: trigger", () => {
  it("test posts a realistic order through PPS_TEST_URL; the delivery verifies by OIDC discovery", async () => {
    const emu = await emulator();
    const rx = await receiver();
    const ctx = context(emu.env);
    const outcome = await ppsApi.trigger({ name: "test", to: rx.url }, ctx);
    assert.equal(outcome.provider, "pps");
    assert.equal(outcome.trigger, "test");
    assert.match(
      outcome.message,
      /posted a test webhook \(orders\/placed, sub-topic online\) for tenant OU1243/,
    );
    assert.match(outcome.message, /Your endpoint answered 200\./);
    assert.match(outcome.message, /verifies it against PPS_TRUSTED_ISSUERS/);
    assert.equal(outcome.details.receiverStatus, 200);
    const shown = `${outcome.message}\n${JSON.stringify(outcome.details)}\n${ctx.said.join("\n")}`;
    assert.ok(!shown.includes(emu.env.PPS_API_TOKEN ?? "-"), "the API token is not shown");
    const [d] = await rx.waitFor(1);
    assert.ok(d);
    assert.equal(headerValue(d.headers, "X-Pps-Topic"), "orders/placed");
    assert.equal(headerValue(d.headers, "X-Pps-Sub-Topic"), "online");
    assert.equal(headerValue(d.headers, "X-Pps-Tenant-Id"), "OU1243");
    assert.equal(headerValue(d.headers, "X-Pps-Webhook-Id"), outcome.details.webhookId);
    const order = bodyOf(d);
    assert.equal(order.status, "Placed");
    assert.equal(order.tenantId, "OU1243");
    assert.match(String(order.orderNumber), /^SO-\d{7}$/);
    await assertVerifies(emu, d);
  });

  it("a topic as the trigger name, with the tenant from PPS_TENANT_ID", async () => {
    const emu = await emulator();
    const rx = await receiver([403]);
    const outcome = await ppsApi.trigger(
      { name: "orders/shipped", to: rx.url },
      context({ ...emu.env, PPS_TENANT_ID: "OU5555", PPS_TRUSTED_ISSUERS: undefined }),
    );
    assert.match(outcome.message, /for tenant OU5555 to/);
    assert.match(outcome.message, /answered 403: it refused the JWT/);
    assert.match(outcome.message, /PPS_TRUSTED_ISSUERS is not set/);
    const [d] = await rx.waitFor(1);
    assert.ok(d);
    assert.equal(headerValue(d.headers, "X-Pps-Topic"), "orders/shipped");
    assert.equal(headerValue(d.headers, "X-Pps-Tenant-Id"), "OU5555");
    assert.equal(bodyOf(d).tenantId, "OU5555");
  });

  it("lists its triggers and defaults to test; no unregister (a representative does that)", () => {
    assert.equal(ppsApi.defaultTrigger, "test");
    assert.ok("test" in ppsApi.triggers && "orders/placed" in ppsApi.triggers);
    assert.equal(ppsApi.unregister, undefined);
  });
});
