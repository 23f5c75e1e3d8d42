// `whtool trigger ping|events --provider dfns` against the Dfns emulator: a ping reaches a real receiver
// and verifies with the secret register saved; events shows deliveries as Dfns recorded them.
import assert from "node:assert/strict";
import { describe, it, type TestContext } from "node:test";
import { dfnsApi } from "../../src/providers/dfns/api.js";
import { PROVIDERS } from "../../src/providers/index.js";
import { type Receiver, startReceiver } from "../helpers/receiver.js";
import { apiContext, control, dfnsEmulator, failure, stateOnDisk } from "./dfns-setup.js";

async function receiver(t: TestContext, statuses: readonly number[] = [200]): Promise<Receiver> {
  const r = await startReceiver(statuses);
  t.after(() => r.close());
  return r;
}

describe("dfns trigger ping", () => {
  it("reaches the receiver, and the delivery verifies with the secret saved in the state file", async (t) => {
    const emu = await dfnsEmulator(t);
    const rx = await receiver(t);
    const ctx = apiContext(emu.env);
    const registered = await dfnsApi.register({ url: rx.url }, ctx);
    assert.equal(dfnsApi.defaultTrigger, "ping");

    const outcome = await dfnsApi.trigger({ name: "ping" }, ctx);
    assert.equal(outcome.trigger, "ping");
    assert.equal(outcome.details.webhookId, registered.id);
    assert.equal(outcome.details.receiverStatus, "200");
    assert.equal(outcome.details.delivered, true);
    assert.match(outcome.message, /the receiver answered 200/);
    assert.match(outcome.message, /the one whtool registered/);
    assert.match(outcome.message, /does not store it/);

    const [delivery] = await rx.waitFor(1);
    assert.ok(delivery);
    const secret = (await stateOnDisk(ctx)).secrets[0]?.secret ?? "";
    const verdict = await PROVIDERS.dfns.verify(delivery, { at: delivery.receivedAt, secrets: [secret] });
    assert.equal(verdict.verified, true, JSON.stringify(verdict.checks));
    assert.equal(verdict.event, "ping");
    assert.ok(!JSON.stringify(outcome).includes(secret));
  });

  it("reports the receiver's refusal as Dfns saw it", async (t) => {
    const emu = await dfnsEmulator(t);
    const rx = await receiver(t, [401]);
    const ctx = apiContext(emu.env);
    await dfnsApi.register({ url: rx.url }, ctx);
    const outcome = await dfnsApi.trigger({ name: "ping" }, ctx);
    assert.equal(outcome.details.receiverStatus, "401");
    assert.equal(outcome.details.delivered, false);
    assert.match(outcome.message, /the receiver answered 401 \(Unauthorized\)/);
    assert.match(outcome.message, /only 200 as delivered/);
  });

  it("reports a receiver Dfns could not reach", async (t) => {
    const emu = await dfnsEmulator(t);
    const rx = await startReceiver();
    await rx.close(); // its port is now closed
    const ctx = apiContext(emu.env);
    await dfnsApi.register({ url: rx.url }, ctx);
    const outcome = await dfnsApi.trigger({ name: "ping" }, ctx);
    assert.equal(outcome.details.delivered, false);
    assert.match(outcome.message, /could not reach it: ECONNREFUSED/);
  });

  it("uses --webhook-id, else the only webhook Dfns lists; several → exit 2 listing ids and URLs", async (t) => {
    const emu = await dfnsEmulator(t);
    const rx1 = await receiver(t);
    const rx2 = await receiver(t);
    const first = await dfnsApi.register({ url: rx1.url }, apiContext(emu.env)); // saved elsewhere
    const ctx = apiContext(emu.env); // nothing saved here

    const only = await dfnsApi.trigger({ name: "ping" }, ctx);
    assert.equal(only.details.webhookId, first.id);
    assert.match(only.message, /the only one Dfns lists/);

    const second = await dfnsApi.register({ url: rx2.url }, apiContext(emu.env));
    const error = await failure(dfnsApi.trigger({ name: "ping" }, ctx), 2);
    assert.match(error.message, /Dfns lists several webhooks/);
    assert.ok(error.message.includes(`${first.id}  ${rx1.url}`));
    assert.ok(error.message.includes(`${second.id}  ${rx2.url}`));
    assert.match(error.hint ?? "", /--webhook-id/);

    const chosen = await dfnsApi.trigger({ name: "ping", webhookId: second.id ?? "" }, ctx);
    assert.equal(chosen.details.webhookId, second.id);
    assert.equal(chosen.details.url, rx2.url);
    await rx2.waitFor(1);
  });

  it("several webhooks saved in state → exit 2 listing them", async (t) => {
    const emu = await dfnsEmulator(t);
    const ctx = apiContext(emu.env);
    const a = await dfnsApi.register({ url: "https://a.example.test/" }, ctx);
    const b = await dfnsApi.register({ url: "https://b.example.test/" }, ctx);
    const error = await failure(dfnsApi.trigger({ name: "ping" }, ctx), 2);
    assert.match(error.message, /saved secrets for several Dfns webhooks/);
    assert.ok(error.message.includes(`${a.id}  https://a.example.test/`));
    assert.ok(error.message.includes(`${b.id}  https://b.example.test/`));
  });

  it("no webhook at all → exit 2 saying to register; an unknown --webhook-id → exit 4 with Dfns' message", async (t) => {
    const emu = await dfnsEmulator(t);
    const ctx = apiContext(emu.env);
    const none = await failure(dfnsApi.trigger({ name: "ping" }, ctx), 2);
    assert.match(none.hint ?? "", /whtool register --provider dfns --url/);
    const id = "wh-00000-00000-0000000000000000";
    const unknown = await failure(dfnsApi.trigger({ name: "ping", webhookId: id }, ctx), 4);
    assert.match(unknown.message, new RegExp(`HTTP 404: Webhook ${id} not found`));
  });

  it("an unknown trigger → exit 2 naming ping and events", async (t) => {
    const emu = await dfnsEmulator(t);
    // wallet.created is an event kind: on the emulator it is sent (trigger-emulated.test.ts); this is neither.
    const error = await failure(dfnsApi.trigger({ name: "wallet.exploded" }, apiContext(emu.env)), 2);
    assert.match(error.hint ?? "", /ping, events/);
    assert.deepEqual(Object.keys(dfnsApi.triggers), ["ping", "events"]);
  });
});

describe("dfns trigger events", () => {
  it("lists an event raised at Dfns with its delivery status; pings are not listed", async (t) => {
    const emu = await dfnsEmulator(t);
    const rx = await receiver(t);
    const ctx = apiContext(emu.env);
    const registered = await dfnsApi.register({ url: rx.url }, ctx);

    const empty = await dfnsApi.trigger({ name: "events" }, ctx);
    assert.deepEqual(empty.details.items, []);
    assert.match(empty.message, /no stored events/);

    await dfnsApi.trigger({ name: "ping" }, ctx);
    const raised = (await control(emu, "/_emulator/events", { kind: "wallet.transfer.confirmed" })) as {
      deliveries: { eventId: string }[];
    };
    await rx.waitFor(2);
    await emu.engine.idle();

    const outcome = await dfnsApi.trigger({ name: "events" }, ctx);
    assert.equal(outcome.trigger, "events");
    assert.equal(outcome.details.webhookId, registered.id);
    assert.deepEqual(outcome.details.items, [
      {
        id: raised.deliveries[0]?.eventId,
        kind: "wallet.transfer.confirmed",
        date: (outcome.details.items as { date: string }[])[0]?.date,
        status: "200",
        error: null,
        deliveryFailed: false,
        deliveryAttempt: 1,
        nextAttemptDate: null,
        retryOf: null,
      },
    ]);
    assert.match(outcome.message, /KIND\s+ID\s+STATUS\s+FAILED\s+ATTEMPT\s+NEXT ATTEMPT\s+RETRY OF/);
    assert.match(outcome.message, /wallet\.transfer\.confirmed\s+whe-\S+\s+200\s+no\s+1/);
  });

  it("shows a failed first attempt, its next attempt date, and the retry that delivered it", async (t) => {
    const emu = await dfnsEmulator(t, { timeScale: 0.0005 }); // the 1-minute retry comes after 30 ms
    const rx = await receiver(t, [500, 200]);
    const ctx = apiContext(emu.env);
    await dfnsApi.register({ url: rx.url, events: ["wallet.created"] }, ctx);
    await control(emu, "/_emulator/events", { kind: "wallet.created" });
    await rx.waitFor(2);
    await emu.engine.idle();

    const outcome = await dfnsApi.trigger({ name: "events" }, ctx);
    const items = outcome.details.items as {
      id: string;
      status: string;
      deliveryFailed: boolean;
      nextAttemptDate: string | null;
      retryOf: string | null;
      deliveryAttempt: number;
      error: string | null;
    }[];
    assert.equal(items.length, 2);
    const [retry, first] = items;
    assert.ok(retry && first);
    assert.deepEqual(
      [first.status, first.deliveryFailed, first.deliveryAttempt, first.retryOf, first.error],
      ["500", true, 1, null, "Internal Server Error"],
    );
    assert.match(first.nextAttemptDate ?? "", /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(
      [retry.status, retry.deliveryFailed, retry.deliveryAttempt, retry.retryOf, retry.nextAttemptDate],
      ["200", false, 2, first.id, null],
    );
    assert.match(outcome.message, new RegExp(`500\\s+yes\\s+1\\s+${first.nextAttemptDate}`));
    assert.match(outcome.message, new RegExp(`200\\s+no\\s+2\\s+-\\s+${first.id}`));
    assert.match(outcome.message, /retried as new events \(retryOf\)/);
  });
});
