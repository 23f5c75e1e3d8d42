// Deliveries from the Dfns emulator reach a real receiver, verify with the real verifier, and retry with
// Dfns' own semantics (providers.md): only 200 succeeds, up to 5 attempts at 0, 1 min, 12 min, 2 h, 1 day,
// each retry a new event id with deliveryAttempt + 1, retryOf = the previous id and a fresh timestampSent.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RunningEmulator } from "../../src/emulators/types.js";
import { DFNS_RETRY_POLICY } from "../../src/providers/dfns/emulator/events.js";
import { startDfnsEmulator } from "../../src/providers/dfns/emulator.js";
import { DFNS_EVENTS } from "../../src/providers/dfns/info.js";
import { newDedupeIndex, PROVIDERS } from "../../src/providers/index.js";
import { closedPort } from "../helpers/http-server.js";
import { type Received, startReceiver } from "../helpers/receiver.js";
import { call, createWebhook, manualClock, signedCall, userActionFor } from "./dfns-client.js";

const OFFSETS = DFNS_RETRY_POLICY.offsetsMs;

interface Body {
  id: string;
  date: string;
  kind: string;
  data: Record<string, unknown>;
  timestampSent: number;
  deliveryAttempt: number;
  retryOf?: string;
}
const bodyOf = (r: Received): Body => JSON.parse(Buffer.from(r.body).toString("utf8"));

/**
 * For tests that change the webhook before its first retry (1 min × scale) is due: 3 s leaves the
 * signed API calls room on a loaded machine, where 0.6 s did not.
 */
const SLOW_ENOUGH = 0.05;

async function withEmulator(
  options: Parameters<typeof startDfnsEmulator>[0],
  statuses: readonly number[],
  run: (emu: RunningEmulator, receiver: Awaited<ReturnType<typeof startReceiver>>) => Promise<void>,
) {
  const emu = await startDfnsEmulator(options);
  const receiver = await startReceiver(statuses);
  try {
    await run(emu, receiver);
  } finally {
    await emu.close();
    await receiver.close();
  }
}

// Each test runs its own emulator: run them side by side to keep the file quick.
describe("dfns emulator: retries", { concurrency: true }, () => {
  it("retries anything but 200 (201 and 204 included) 5 times, then gives up; each retry a new chained event", async () => {
    const clock = manualClock();
    const base = clock.ms;
    const timeScale = 0.000003; // 1 day → 259 ms
    await withEmulator({ timeScale, now: clock.now }, [500, 201, 204, 503, 404], async (emu, receiver) => {
      const hook = await createWebhook(emu, receiver.url, ["wallet.transfer.confirmed"]);
      // Move the emulator clock to each retry's due time as the attempt before it is recorded.
      emu.engine.onAttempt((record) => {
        const next = OFFSETS[record.attempt];
        if (next !== undefined) clock.set(base + next);
      });
      const raised = await call(emu, "POST", "/_emulator/events", {
        body: { kind: "wallet.transfer.confirmed" },
      });
      const received = await receiver.waitFor(5);
      await emu.engine.idle();
      assert.equal(receiver.received.length, 5, "no sixth attempt");

      const bodies = received.map(bodyOf);
      const first = bodies[0];
      assert.ok(first);
      assert.equal(first.id, raised.json.deliveries[0].eventId);
      assert.equal(new Set(bodies.map((b) => b.id)).size, 5, "every attempt has its own id");
      for (const [i, body] of bodies.entries()) {
        assert.match(body.id, /^whe-[0-9a-v]{5}-[0-9a-v]{5}-[0-9a-v]{16}$/);
        assert.equal(body.deliveryAttempt, i + 1);
        assert.equal(body.retryOf, i === 0 ? undefined : bodies[i - 1]?.id);
        assert.equal(body.kind, "wallet.transfer.confirmed");
        assert.equal(body.date, first.date, "date is when the event happened");
        assert.deepEqual(body.data, first.data, "every attempt carries the same data");
        assert.equal(
          body.timestampSent,
          Math.floor((base + (OFFSETS[i] ?? NaN)) / 1000),
          "fresh timestampSent",
        );
        assert.deepEqual(Object.keys(body), [
          "id",
          "date",
          "kind",
          "data",
          "timestampSent",
          "deliveryAttempt",
          ...(i === 0 ? [] : ["retryOf"]),
        ]);
      }
      assert.deepEqual(
        bodies.map((b) => b.timestampSent - first.timestampSent),
        [0, 60, 720, 7200, 86400],
      );

      // every attempt verifies with the real verifier, and the real dedupe groups the chain as one event
      const dedupe = newDedupeIndex();
      for (const [i, delivery] of received.entries()) {
        const at = new Date((bodies[i]?.timestampSent ?? 0) * 1000 + 1500);
        const verdict = await PROVIDERS.dfns.verify(delivery, { at, secrets: [hook.secret] });
        assert.equal(verdict.verified, true, JSON.stringify(verdict.checks));
        assert.equal(verdict.dedupeKey, bodies[i]?.id);
        assert.equal(verdict.meta.deliveryAttempt, i + 1);
        assert.equal(dedupe.observe(delivery.id, verdict), i === 0 ? null : received[0]?.id);
      }

      const records = emu.engine.attempts.filter((r) => r.event === "wallet.transfer.confirmed");
      assert.deepEqual(
        records.map((r) => [r.attempt, r.status, r.outcome]),
        [
          [1, 500, "retry scheduled"],
          [2, 201, "retry scheduled"],
          [3, 204, "retry scheduled"],
          [4, 503, "retry scheduled"],
          [5, 404, "gave up"],
        ],
      );
      assert.equal(new Set(records.map((r) => r.jobId)).size, 1);

      // List Webhook Events: one stored event per attempt, newest first
      const listed = await call(emu, "GET", `/webhooks/${hook.id}/events`);
      const items = [...listed.json.items].reverse();
      assert.deepEqual(
        items.map((e: Body) => e.id),
        bodies.map((b) => b.id),
      );
      assert.deepEqual(
        items.map((e: { status: string }) => e.status),
        ["500", "201", "204", "503", "404"],
      );
      assert.deepEqual(
        items.map((e: { error?: string }) => e.error),
        ["Internal Server Error", "Created", "No Content", "Service Unavailable", "Not Found"],
      );
      assert.ok(items.every((e: { deliveryFailed: boolean }) => e.deliveryFailed));
      const firstSentAt = records[0]?.sentAt.getTime() ?? NaN;
      assert.deepEqual(
        items.map((e: { nextAttemptDate?: string }) => e.nextAttemptDate),
        [
          ...OFFSETS.slice(1).map((offset) => new Date(firstSentAt + offset * timeScale).toISOString()),
          undefined,
        ],
        "nextAttemptDate until the last attempt (when the emulator retries, on its clock)",
      );
      const failed = await call(emu, "GET", `/webhooks/${hook.id}/events?deliveryFailed=true&limit=2`);
      assert.equal(failed.json.items.length, 2);
      assert.equal(typeof failed.json.nextPageToken, "string");
      const succeeded = await call(emu, "GET", `/webhooks/${hook.id}/events?deliveryFailed=false`);
      assert.deepEqual(succeeded.json.items, []);
    });
  });

  it("stops at the first 200", async () => {
    await withEmulator({ timeScale: 0.00001 }, [503, 200], async (emu, receiver) => {
      const hook = await createWebhook(emu, receiver.url, ["*"]);
      await call(emu, "POST", "/_emulator/events", { body: { kind: "wallet.created" } });
      await receiver.waitFor(2);
      await emu.engine.idle();
      assert.equal(receiver.received.length, 2);
      assert.deepEqual(
        emu.engine.attempts.map((r) => r.outcome),
        ["retry scheduled", "delivered"],
      );
      const items = (await call(emu, "GET", `/webhooks/${hook.id}/events`)).json.items;
      assert.equal(items[0].status, "200");
      assert.equal(items[0].deliveryFailed, false);
      assert.equal("nextAttemptDate" in items[0], false);
      assert.equal("error" in items[0], false);
      assert.equal(items[1].status, "503");
      assert.equal(items[1].deliveryFailed, true);
      assert.equal(items[0].retryOf, items[1].id);
      const only = await call(
        emu,
        "GET",
        `/webhooks/${hook.id}/events?deliveryFailed=false&kind=wallet.created`,
      );
      assert.deepEqual(
        only.json.items.map((e: { id: string }) => e.id),
        [items[0].id],
      );
    });
  });

  it("stops retrying once the webhook is disabled before the retry is due", async () => {
    await withEmulator({ timeScale: SLOW_ENOUGH }, [500], async (emu, receiver) => {
      const hook = await createWebhook(emu, receiver.url, ["*"]);
      await call(emu, "POST", "/_emulator/events", { body: { kind: "key.created" } });
      await emu.engine.waitFor(1);
      assert.equal(
        (await signedCall(emu, "PUT", `/webhooks/${hook.id}`, { status: "Disabled" })).status,
        200,
      );
      await emu.engine.idle();
      assert.equal(receiver.received.length, 1);
      const [event] = (await call(emu, "GET", `/webhooks/${hook.id}/events`)).json.items;
      assert.equal(event.deliveryFailed, true);
      assert.equal("nextAttemptDate" in event, false, "no next attempt will come");
    });
  });

  it("keeps retrying when the webhook is disabled and re-enabled before the retry is due", async () => {
    await withEmulator({ timeScale: SLOW_ENOUGH }, [500, 200], async (emu, receiver) => {
      const hook = await createWebhook(emu, receiver.url, ["*"]);
      await call(emu, "POST", "/_emulator/events", { body: { kind: "key.created" } });
      await emu.engine.waitFor(1);
      await signedCall(emu, "PUT", `/webhooks/${hook.id}`, { status: "Disabled" });
      await signedCall(emu, "PUT", `/webhooks/${hook.id}`, { status: "Enabled" });
      await receiver.waitFor(2);
      await emu.engine.idle();
      assert.equal(bodyOf(receiver.received[1] as Received).deliveryAttempt, 2);
    });
  });

  it("sends a retry to the webhook's url of the moment", async () => {
    await withEmulator({ timeScale: SLOW_ENOUGH }, [500], async (emu, first) => {
      const second = await startReceiver([200]);
      try {
        const hook = await createWebhook(emu, first.url, ["*"]);
        await call(emu, "POST", "/_emulator/events", { body: { kind: "wallet.exported" } });
        await emu.engine.waitFor(1);
        await signedCall(emu, "PUT", `/webhooks/${hook.id}`, { url: second.url });
        const [retry] = await second.waitFor(1);
        await emu.engine.idle();
        assert.ok(retry);
        assert.equal(bodyOf(retry).retryOf, bodyOf(first.received[0] as Received).id);
        assert.equal(first.received.length, 1);
      } finally {
        await second.close();
      }
    });
  });

  it("stops retrying and forgets the events when the webhook is deleted", async () => {
    await withEmulator({ timeScale: SLOW_ENOUGH }, [500], async (emu, receiver) => {
      const hook = await createWebhook(emu, receiver.url, ["*"]);
      await call(emu, "POST", "/_emulator/events", { body: { kind: "key.created" } });
      await emu.engine.waitFor(1);
      await signedCall(emu, "DELETE", `/webhooks/${hook.id}`);
      await emu.engine.idle();
      assert.equal(receiver.received.length, 1);
      assert.equal((await call(emu, "GET", `/webhooks/${hook.id}/events`)).status, 404);
    });
  });

  it("close() cancels scheduled retries", async () => {
    await withEmulator({ timeScale: 1 }, [500], async (emu, receiver) => {
      await createWebhook(emu, receiver.url, ["*"]);
      await call(emu, "POST", "/_emulator/events", { body: { kind: "key.created" } });
      await emu.engine.waitFor(1);
      await emu.close();
      await emu.engine.idle(); // returns at once: the 1-minute retry was cancelled
      assert.equal(receiver.received.length, 1);
    });
  });
});

describe("dfns emulator: events and pings", () => {
  it("delivers every event kind with a verifiable signature and its family's data", async () => {
    await withEmulator({}, [200], async (emu, receiver) => {
      const hook = await createWebhook(emu, receiver.url, ["*"]);
      for (const kind of DFNS_EVENTS) await call(emu, "POST", "/_emulator/events", { body: { kind } });
      const received = await receiver.waitFor(DFNS_EVENTS.length);
      const seen = new Set<string>();
      for (const delivery of received) {
        const verdict = await PROVIDERS.dfns.verify(delivery, {
          at: delivery.receivedAt,
          secrets: [hook.secret],
        });
        assert.equal(verdict.verified, true, JSON.stringify(verdict.checks));
        const body = bodyOf(delivery);
        assert.equal(verdict.event, body.kind);
        assert.equal(body.deliveryAttempt, 1);
        assert.equal(Object.keys(body.data).length, 1, `${body.kind}: data holds one family object`);
        seen.add(body.kind);
      }
      assert.deepEqual([...seen].sort(), [...DFNS_EVENTS].sort());
      await emu.engine.idle();
    });
  });

  it("ping answers the receiver's status as a string, with the reason when not 200, and is never retried", async () => {
    await withEmulator({ timeScale: 0.00001 }, [500], async (emu, receiver) => {
      const hook = await createWebhook(emu, receiver.url, ["wallet.created"]);
      const ping = await signedCall(emu, "POST", `/webhooks/${hook.id}/ping`, {});
      assert.equal(ping.status, 200);
      assert.deepEqual(ping.json, { status: "500", error: "Internal Server Error" });
      await emu.engine.idle();
      assert.equal(receiver.received.length, 1, "a ping is one attempt");
      const [delivery] = receiver.received;
      assert.ok(delivery);
      const body = bodyOf(delivery);
      assert.equal(body.kind, "ping");
      assert.equal(body.deliveryAttempt, 1);
      assert.match(body.id, /^whe-/);
      const verdict = await PROVIDERS.dfns.verify(delivery, {
        at: delivery.receivedAt,
        secrets: [hook.secret],
      });
      assert.equal(verdict.verified, true);
      assert.deepEqual((await call(emu, "GET", `/webhooks/${hook.id}/events`)).json, { items: [] });
    });
  });

  it("ping reports an unreachable receiver with the network error code", async () => {
    const emu = await startDfnsEmulator();
    try {
      const hook = await createWebhook(emu, `http://127.0.0.1:${await closedPort()}/hook`);
      const ping = await signedCall(emu, "POST", `/webhooks/${hook.id}/ping`, {});
      assert.equal(ping.status, 200);
      assert.equal(ping.json.status, "ECONNREFUSED");
      assert.match(ping.json.error, /Could not reach the webhook url \(ECONNREFUSED\)/);
      const malformed = await call(emu, "POST", `/webhooks/${hook.id}/ping`, {
        body: "nope",
        userAction: await userActionFor(emu, "POST", `/webhooks/${hook.id}/ping`, "nope"),
      });
      assert.equal(malformed.status, 400);
    } finally {
      await emu.close();
    }
  });
});
