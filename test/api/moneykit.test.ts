import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { moneykitApi } from "../../src/providers/moneykit/api.js";
import {
  assertVerifies,
  bodyOf,
  context,
  emulator,
  emulatorCall,
  emulatorToken,
  envOf,
  receiver,
} from "./moneykit-setup.js";

describe("moneykit api: register and trigger against the emulator", () => {
  it("register --link sets the webhook; a triggered test event reaches the receiver and verifies", async () => {
    const emu = await emulator();
    const rx = await receiver();
    const ctx = context(envOf(emu));
    const linkId = emu.env.MONEYKIT_LINK_ID ?? "";

    const outcome = await moneykitApi.register({ link: linkId, url: rx.url }, ctx);
    assert.equal(outcome.provider, "moneykit");
    assert.equal(outcome.action, "updated");
    assert.equal(outcome.id, linkId);
    assert.equal(outcome.url, rx.url);
    assert.equal(outcome.secretSaved, false);
    assert.match(outcome.message, new RegExp(`${emu.url}/\\.well-known/jwks\\.json`));
    assert.match(outcome.message, /whtool listen and whtool verify fetch/);
    assert.deepEqual(await ctx.state.secrets("moneykit"), []);
    const link = await emulatorCall(emu, "GET", `/links/${linkId}`, undefined, await emulatorToken(emu));
    assert.equal(link.body.webhook, rx.url);

    const triggered = await moneykitApi.trigger({ name: "link.state_changed", link: linkId }, ctx);
    assert.equal(triggered.trigger, "link.state_changed");
    const [d] = await rx.waitFor(1);
    assert.ok(d);
    await assertVerifies(emu, d);
    const body = bodyOf(d);
    assert.equal(body.webhook_event, "link.state_changed");
    assert.equal(body.link_id, linkId);
    assert.equal(body.state, "connected");
    assert.equal(body.webhook_idempotency_key, triggered.details.idempotencyKey);
    for (const text of [outcome.message, JSON.stringify(outcome.details), triggered.message])
      assert.ok(!text.includes(emu.env.MONEYKIT_CLIENT_SECRET ?? "<none>"), "the client secret leaked");
  });

  it("sends every test event, seed aliases under their real names, each with a fresh idempotency key", async () => {
    const emu = await emulator();
    const rx = await receiver();
    const ctx = context(emu.env); // no --link: MONEYKIT_LINK_ID, as whtool emulate sets it
    await moneykitApi.register({ link: emu.env.MONEYKIT_LINK_ID ?? "", url: rx.url }, ctx);
    const cases = [
      ["link.state_changed", "link.state_changed"],
      ["link.product_refresh", "link.product_refresh"],
      ["transactions.updates_available", "transactions.updates_available"],
      ["link.product_refreshed", "link.product_refresh"],
      ["links.state_changed", "link.state_changed"],
      ["link.state_changed", "link.state_changed"],
    ] as const;
    const keys = new Set<unknown>();
    for (const [i, [asked, real]] of cases.entries()) {
      const outcome = await moneykitApi.trigger({ name: asked }, ctx);
      assert.equal(outcome.trigger, real);
      assert.equal(outcome.details.linkId, emu.env.MONEYKIT_LINK_ID);
      if (asked !== real) assert.match(outcome.message, new RegExp(`${asked} is the seed guide's spelling`));
      const d = (await rx.waitFor(i + 1))[i];
      assert.ok(d);
      await assertVerifies(emu, d);
      assert.equal(bodyOf(d).webhook_event, real);
      assert.equal(bodyOf(d).webhook_idempotency_key, outcome.details.idempotencyKey);
      keys.add(outcome.details.idempotencyKey);
    }
    assert.equal(keys.size, cases.length, "every trigger had its own idempotency key");
  });

  it("trigger refresh --products: one verified link.product_refresh per product", async () => {
    const emu = await emulator();
    const rx = await receiver();
    const ctx = context(envOf(emu));
    const linkId = emu.env.MONEYKIT_LINK_ID ?? "";
    await moneykitApi.register({ link: linkId, url: rx.url }, ctx);
    const outcome = await moneykitApi.trigger(
      { name: "refresh", link: linkId, products: ["accounts,transactions"] },
      ctx,
    );
    assert.deepEqual(outcome.details.products, ["accounts", "transactions"]);
    assert.match(outcome.message, /may be billed/);
    const deliveries = await rx.waitFor(2);
    for (const d of deliveries) await assertVerifies(emu, d);
    const bodies = deliveries.map(bodyOf);
    assert.deepEqual(
      bodies.map((b) => b.webhook_event),
      ["link.product_refresh", "link.product_refresh"],
    );
    assert.deepEqual(bodies.map((b) => b.product).sort(), ["accounts", "transactions"]);
  });

  it("trigger delete-link --yes deletes the link: link.state_changed (deleted), then 410 in plain words", async () => {
    const emu = await emulator();
    const rx = await receiver();
    const ctx = context(envOf(emu));
    const linkId = emu.env.MONEYKIT_LINK_ID ?? "";
    const registered = await moneykitApi.register({ link: linkId, url: rx.url }, ctx);
    const outcome = await moneykitApi.trigger({ name: "delete-link", link: linkId, yes: true }, ctx);
    assert.match(outcome.message, /cannot be used again/);
    const [d] = await rx.waitFor(1);
    assert.ok(d);
    await assertVerifies(emu, d);
    assert.equal(bodyOf(d).state, "deleted");
    const gone = await emulatorCall(emu, "GET", `/links/${linkId}`, undefined, await emulatorToken(emu));
    assert.equal(gone.status, 410);
    // Cleanup after a deleted link is not an error (smoke unregisters after triggering).
    await moneykitApi.unregister?.(registered, ctx);
  });

  it("unregister removes the link's webhook", async () => {
    const emu = await emulator();
    const rx = await receiver();
    const ctx = context(envOf(emu));
    const linkId = emu.env.MONEYKIT_LINK_ID ?? "";
    const registered = await moneykitApi.register({ link: linkId, url: rx.url }, ctx);
    await moneykitApi.unregister?.(registered, ctx);
    const link = await emulatorCall(emu, "GET", `/links/${linkId}`, undefined, await emulatorToken(emu));
    assert.equal(link.status, 200);
    assert.equal(link.body.webhook, undefined);
    assert.deepEqual(ctx.said, [`MoneyKit link ${linkId}: webhook removed`]);
  });

  it("register --new-link prints a link session token that, once linked, brings link.state_changed", async () => {
    const emu = await emulator();
    const rx = await receiver();
    const ctx = context(envOf(emu));
    const outcome = await moneykitApi.register({ newLink: true, url: rx.url }, ctx);
    assert.equal(outcome.action, "created");
    assert.equal(outcome.id, null);
    assert.equal(outcome.secretSaved, false);
    const token = outcome.details.linkSessionToken;
    assert.ok(typeof token === "string" && token.length > 0);
    assert.match(outcome.message, new RegExp(`link_session_token: ${token}`));
    assert.match(outcome.message, /open MoneyKit Connect with this link_session_token/);
    assert.match(outcome.message, new RegExp(`POST ${emu.url}/_emulator/link-session/complete`));
    assert.match(outcome.message, /\.well-known\/jwks\.json/);
    assert.match(String(outcome.details.customerUserId), /^whtool-[0-9a-f]{12}$/);

    // Stand in for Connect and the user's backend, as the message says.
    const completed = await emulatorCall(emu, "POST", "/_emulator/link-session/complete", {
      link_session_token: token,
    });
    assert.equal(completed.status, 201);
    const exchanged = await emulatorCall(
      emu,
      "POST",
      "/link-session/exchange-token",
      { exchangeable_token: completed.body.exchangeable_token },
      await emulatorToken(emu),
    );
    assert.equal(exchanged.status, 201);
    const [d] = await rx.waitFor(1);
    assert.ok(d);
    await assertVerifies(emu, d);
    assert.equal(bodyOf(d).state, "connected");
    assert.equal(bodyOf(d).link_id, exchanged.body.link_id);
    await moneykitApi.unregister?.(outcome, ctx); // nothing to undo for a link session
  });

  it("declares its triggers and default", () => {
    assert.deepEqual(Object.keys(moneykitApi.triggers), [
      "link.state_changed",
      "link.product_refresh",
      "transactions.updates_available",
      "refresh",
      "delete-link",
    ]);
    assert.equal(moneykitApi.defaultTrigger, "link.state_changed");
  });
});
