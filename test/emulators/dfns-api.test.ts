// The Dfns emulator's API over raw HTTP: every endpoint's success path and its error paths, in Dfns'
// own error shape ({"error":{"message":".."}}).
import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import type { RunningEmulator } from "../../src/emulators/types.js";
import { startDfnsEmulator } from "../../src/providers/dfns/emulator.js";
import { type Receiver, startReceiver } from "../helpers/receiver.js";
import { call, createWebhook, signedCall, userActionFor } from "./dfns-client.js";

let emu: RunningEmulator;
let receiver: Receiver;

before(async () => {
  emu = await startDfnsEmulator();
  receiver = await startReceiver([200]);
});
after(async () => {
  await emu.close();
  await receiver.close();
});
afterEach(async () => {
  // each test starts with no webhooks
  const list = await call(emu, "GET", "/webhooks");
  for (const hook of list.json.items) await signedCall(emu, "DELETE", `/webhooks/${hook.id}`);
});

const errorBody = (message: string | RegExp) => (json: unknown) => {
  const body = json as { error?: { message?: unknown } };
  assert.deepEqual(Object.keys(body), ["error"]);
  assert.deepEqual(Object.keys(body.error ?? {}), ["message"]);
  if (typeof message === "string") assert.equal(body.error?.message, message);
  else assert.match(String(body.error?.message), message);
};

describe("dfns emulator: bearer token", () => {
  it("answers 401 Not Authorized without a token or with an unknown one", async () => {
    for (const token of [null, "eyJhbGciOiJFZERTQSJ9.e30.bogus"]) {
      for (const [method, path] of [
        ["GET", "/webhooks"],
        ["POST", "/webhooks"],
        ["POST", "/auth/action/init"],
        ["POST", "/auth/action"],
        ["GET", "/webhooks/wh-1/events"],
      ] as const) {
        // the token is checked before the body is read
        const reply = await call(emu, method, path, {
          token,
          ...(method === "GET" ? {} : { body: "{malformed" }),
        });
        assert.equal(reply.status, 401, `${method} ${path}`);
        errorBody("Not Authorized.")(reply.json);
      }
    }
  });

  it("answers 401 once the token has expired on the emulator clock, and a fresh token works", async () => {
    const clock = { ms: Date.parse("2026-11-23T10:00:00Z") };
    const local = await startDfnsEmulator({ now: () => new Date(clock.ms), tokenTtlS: 3600 });
    try {
      assert.equal((await call(local, "GET", "/webhooks")).status, 200);
      clock.ms += 3600_000;
      const expired = await call(local, "GET", "/webhooks");
      assert.equal(expired.status, 401);
      errorBody("Not Authorized. The auth token has expired.")(expired.json);
      const fresh = await call(local, "POST", "/_emulator/tokens");
      assert.equal((await call(local, "GET", "/webhooks", { token: fresh.json.token })).status, 200);
      assert.deepEqual((await call(local, "POST", "/_emulator/expire-tokens")).json, { expired: 2 });
      assert.equal((await call(local, "GET", "/webhooks", { token: fresh.json.token })).status, 401);
    } finally {
      await local.close();
    }
  });
});

describe("dfns emulator: webhooks", () => {
  it("creates a webhook (200 + secret once) and accepts X-DFNS-APPID / X-DFNS-NONCE", async () => {
    const payload = JSON.stringify({
      url: receiver.url,
      events: ["wallet.created", "key.created"],
      status: "Disabled",
    });
    const userAction = await userActionFor(emu, "POST", "/webhooks", payload);
    const reply = await call(emu, "POST", "/webhooks", {
      body: payload,
      userAction,
      headers: { "x-dfns-appid": "ap-1", "x-dfns-nonce": "n-1" },
    });
    assert.equal(reply.status, 200);
    assert.deepEqual(Object.keys(reply.json), [
      "id",
      "url",
      "events",
      "status",
      "dateCreated",
      "dateUpdated",
      "secret",
    ]);
    assert.equal(reply.json.status, "Disabled");
    assert.deepEqual(reply.json.events, ["wallet.created", "key.created"]);
    const got = await call(emu, "GET", `/webhooks/${reply.json.id}`);
    assert.equal(got.status, 200);
    assert.equal(got.json.secret, undefined);
  });

  it("rejects malformed and invalid bodies with 400", async () => {
    const cases: [string | object, RegExp][] = [
      ["{not json", /request body must be a JSON object/],
      ["[1,2]", /request body must be a JSON object/],
      [{ events: ["*"] }, /url must be a valid http or https URL/],
      [{ url: "ftp://example.com/hook", events: ["*"] }, /url must be a valid http or https URL/],
      [{ url: receiver.url }, /events must be a non-empty list/],
      [{ url: receiver.url, events: [] }, /events must be a non-empty list/],
      [
        { url: receiver.url, events: ["wallet.teleported"] },
        /"wallet.teleported" is not a webhook event kind/,
      ],
      [{ url: receiver.url, events: ["*"], status: "On" }, /status must be "Enabled" or "Disabled"/],
      [{ url: receiver.url, events: ["*"], description: 7 }, /description must be a string/],
    ];
    for (const [body, message] of cases) {
      const reply = await signedCall(emu, "POST", "/webhooks", body);
      assert.equal(reply.status, 400, JSON.stringify(body));
      errorBody(message)(reply.json);
    }
    assert.deepEqual((await call(emu, "GET", "/webhooks")).json, { items: [] });
  });

  it("refuses a sixth webhook: 400, five per organisation", async () => {
    for (let i = 0; i < 5; i++) await createWebhook(emu, `${receiver.url}?n=${i}`);
    const sixth = await signedCall(emu, "POST", "/webhooks", { url: receiver.url, events: ["*"] });
    assert.equal(sixth.status, 400);
    errorBody("Webhook limit reached: an organization can have at most 5 webhooks")(sixth.json);
    assert.equal((await call(emu, "GET", "/webhooks")).json.items.length, 5);
  });

  it("honours a configured webhook limit", async () => {
    const local = await startDfnsEmulator({ webhookLimit: 1 });
    try {
      await createWebhook(local, receiver.url);
      assert.equal(
        (await signedCall(local, "POST", "/webhooks", { url: receiver.url, events: ["*"] })).status,
        400,
      );
    } finally {
      await local.close();
    }
  });

  it("pages the list with limit and paginationToken", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await createWebhook(emu, `${receiver.url}?n=${i}`)).id);
    const first = await call(emu, "GET", "/webhooks?limit=2");
    assert.equal(first.status, 200);
    assert.deepEqual(
      first.json.items.map((w: { id: string }) => w.id),
      ids.slice(0, 2),
    );
    assert.equal(typeof first.json.nextPageToken, "string");
    const second = await call(emu, "GET", `/webhooks?limit=2&paginationToken=${first.json.nextPageToken}`);
    assert.deepEqual(
      second.json.items.map((w: { id: string }) => w.id),
      ids.slice(2),
    );
    assert.equal("nextPageToken" in second.json, false);
    for (const query of ["limit=0", "limit=101", "limit=two", "paginationToken=%25%25"]) {
      const bad = await call(emu, "GET", `/webhooks?${query}`);
      assert.equal(bad.status, 400, query);
      errorBody(/limit must be|paginationToken is not valid/)(bad.json);
    }
  });

  it("updates a webhook (PUT) and bumps dateUpdated; 400 on an invalid field", async () => {
    let at = Date.parse("2026-11-23T10:00:00Z");
    const local = await startDfnsEmulator({ now: () => new Date(at) });
    try {
      const hook = await createWebhook(local, receiver.url, ["wallet.created"]);
      at += 5000;
      const updated = await signedCall(local, "PUT", `/webhooks/${hook.id}`, {
        url: `${receiver.url}?v=2`,
        status: "Disabled",
        description: "paused",
      });
      assert.equal(updated.status, 200);
      assert.equal(updated.json.url, `${receiver.url}?v=2`);
      assert.equal(updated.json.status, "Disabled");
      assert.equal(updated.json.description, "paused");
      assert.deepEqual(updated.json.events, ["wallet.created"]);
      assert.equal(updated.json.dateCreated, "2026-11-23T10:00:00.000Z");
      assert.equal(updated.json.dateUpdated, "2026-11-23T10:00:05.000Z");
      assert.equal(updated.json.secret, undefined);
      const bad = await signedCall(local, "PUT", `/webhooks/${hook.id}`, { events: ["nope"] });
      assert.equal(bad.status, 400);
    } finally {
      await local.close();
    }
  });

  it("deletes a webhook: {deleted:true}, then 404 everywhere", async () => {
    const hook = await createWebhook(emu, receiver.url);
    const deleted = await signedCall(emu, "DELETE", `/webhooks/${hook.id}`);
    assert.equal(deleted.status, 200);
    assert.deepEqual(deleted.json, { deleted: true });
    for (const [method, path] of [
      ["GET", `/webhooks/${hook.id}`],
      ["GET", `/webhooks/${hook.id}/events`],
    ] as const) {
      const reply = await call(emu, method, path);
      assert.equal(reply.status, 404);
      errorBody(`Webhook ${hook.id} not found`)(reply.json);
    }
    for (const [method, path] of [
      ["PUT", `/webhooks/${hook.id}`],
      ["DELETE", `/webhooks/${hook.id}`],
      ["POST", `/webhooks/${hook.id}/ping`],
    ] as const) {
      const reply = await signedCall(emu, method, path, {});
      assert.equal(reply.status, 404, `${method} ${path}`);
    }
  });

  it("answers 404 for an unknown event id and 400 for bad event filters", async () => {
    const hook = await createWebhook(emu, receiver.url);
    const missing = await call(emu, "GET", `/webhooks/${hook.id}/events/whe-00000-00000-0000000000000000`);
    assert.equal(missing.status, 404);
    errorBody("Webhook event whe-00000-00000-0000000000000000 not found")(missing.json);
    for (const query of ["kind=wallet.teleported", "deliveryFailed=maybe", "limit=-1"]) {
      const bad = await call(emu, "GET", `/webhooks/${hook.id}/events?${query}`);
      assert.equal(bad.status, 400, query);
    }
    assert.deepEqual((await call(emu, "GET", `/webhooks/${hook.id}/events?deliveryFailed=true`)).json, {
      items: [],
    });
  });

  it("answers 404 for an unknown path and 405 for a wrong method, in Dfns' shape", async () => {
    const unknown = await call(emu, "GET", "/wallets");
    assert.equal(unknown.status, 404);
    errorBody("Not Found")(unknown.json);
    const wrong = await call(emu, "PATCH", "/webhooks");
    assert.equal(wrong.status, 405);
    errorBody("Method Not Allowed")(wrong.json);
    assert.equal((await call(emu, "POST", "/webhooks/wh-1/events")).status, 405);
  });
});

describe("dfns emulator: control endpoints", () => {
  it("POST /_emulator/events raises to subscribed, enabled webhooks only; 400 on a bad kind or data", async () => {
    const all = await createWebhook(emu, `${receiver.url}?h=all`, ["*"]);
    const exact = await createWebhook(emu, `${receiver.url}?h=exact`, ["wallet.transfer.confirmed"]);
    await createWebhook(emu, `${receiver.url}?h=other`, ["wallet.created"]);
    await createWebhook(emu, `${receiver.url}?h=disabled`, ["*"], { status: "Disabled" });
    const raised = await call(emu, "POST", "/_emulator/events", {
      body: { kind: "wallet.transfer.confirmed" },
    });
    assert.equal(raised.status, 200);
    assert.equal(raised.json.kind, "wallet.transfer.confirmed");
    assert.deepEqual(
      raised.json.deliveries.map((d: { webhookId: string }) => d.webhookId).sort(),
      [all.id, exact.id].sort(),
    );
    for (const d of raised.json.deliveries) assert.match(d.eventId, /^whe-/);
    await emu.engine.idle();

    for (const body of [{ kind: "ping" }, { kind: "nope" }, {}, { kind: "key.created", data: [1] }]) {
      const bad = await call(emu, "POST", "/_emulator/events", { body });
      assert.equal(bad.status, 400, JSON.stringify(body));
      errorBody(/kind must be one of|data, when given/)(bad.json);
    }
  });

  it("GET /_emulator/deliveries lists attempts without any webhook secret", async () => {
    const hook = await createWebhook(emu, receiver.url);
    await call(emu, "POST", "/_emulator/events", {
      body: { kind: "key.created", data: { key: { id: "key-1" } } },
    });
    await emu.engine.idle();
    const reply = await call(emu, "GET", "/_emulator/deliveries");
    assert.equal(reply.status, 200);
    const mine = reply.json.items.filter((r: { event: string; url: string }) => r.event === "key.created");
    assert.ok(mine.length >= 1);
    assert.equal(JSON.parse(mine.at(-1).body).data.key.id, "key-1", "given data is delivered as is");
    assert.equal(JSON.stringify(reply.json).includes(hook.secret), false);
  });

  it("close() is idempotent", async () => {
    const local = await startDfnsEmulator();
    await Promise.all([local.close(), local.close()]);
    await local.close();
  });
});
