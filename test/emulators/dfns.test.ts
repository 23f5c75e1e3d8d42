// The Dfns emulator driven by the official SDK (@dfns/sdk, the version users install, with whtool's own
// KeySigner): if the real client can create, list, get, update, ping, list events of and delete a
// webhook, the emulator speaks the real protocol, user-action signing included.
import assert from "node:assert/strict";
import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { DfnsApiClient, DfnsError } from "@dfns/sdk";
import type { RunningEmulator } from "../../src/emulators/types.js";
import { KeySigner } from "../../src/providers/dfns/api/signer.js";
import { startDfnsEmulator } from "../../src/providers/dfns/emulator.js";
import { newDedupeIndex, PROVIDERS } from "../../src/providers/index.js";
import { type Receiver, startReceiver } from "../helpers/receiver.js";
import { call } from "./dfns-client.js";

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

function client(overrides: { privateKey?: string; credId?: string; orgId?: string } = {}) {
  const { DFNS_API_URL, DFNS_AUTH_TOKEN, DFNS_CRED_ID, DFNS_PRIVATE_KEY } = emu.env;
  return new DfnsApiClient({
    baseUrl: DFNS_API_URL ?? "",
    authToken: DFNS_AUTH_TOKEN ?? "",
    ...(overrides.orgId === undefined ? {} : { orgId: overrides.orgId }),
    signer: new KeySigner({
      credId: overrides.credId ?? DFNS_CRED_ID ?? "",
      privateKey: overrides.privateKey ?? DFNS_PRIVATE_KEY ?? "",
    }),
  });
}

async function rejection(promise: Promise<unknown>): Promise<DfnsError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DfnsError, `expected a DfnsError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected the SDK call to fail");
}

describe("dfns emulator: env", () => {
  it("gives the four variables whtool reads, pointing at a loopback server", () => {
    assert.deepEqual(Object.keys(emu.env).sort(), [
      "DFNS_API_URL",
      "DFNS_AUTH_TOKEN",
      "DFNS_CRED_ID",
      "DFNS_PRIVATE_KEY",
    ]);
    assert.equal(emu.env.DFNS_API_URL, emu.url);
    assert.match(emu.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const key = createPrivateKey(emu.env.DFNS_PRIVATE_KEY ?? "");
    assert.equal(key.asymmetricKeyType, "ec");
    assert.equal(key.asymmetricKeyDetails?.namedCurve, "prime256v1");
    assert.match(emu.env.DFNS_CRED_ID ?? "", /^[A-Za-z0-9_-]{43}$/);
    // JWT-shaped, with the org in Dfns' custom claim (what the SDK's orgId check reads)
    const claims = JSON.parse(
      Buffer.from(emu.env.DFNS_AUTH_TOKEN?.split(".")[1] ?? "", "base64url").toString(),
    );
    assert.match(claims["https://custom/app_metadata"].orgId, /^or-[0-9a-v]{5}-[0-9a-v]{5}-[0-9a-v]{16}$/);
  });
});

describe("dfns emulator: driven by @dfns/sdk", () => {
  it("creates, lists, gets, updates, pings, lists events of and deletes a webhook", async () => {
    const dfns = client();
    const created = await dfns.webhooks.createWebhook({
      body: { url: receiver.url, events: ["wallet.transfer.confirmed"], description: "payouts" },
    });
    assert.match(created.id, /^wh-[0-9a-v]{5}-[0-9a-v]{5}-[0-9a-v]{16}$/);
    assert.match(created.secret, /^whs-[A-Za-z0-9]{32}$/);
    assert.equal(created.url, receiver.url);
    assert.deepEqual(created.events, ["wallet.transfer.confirmed"]);
    assert.equal(created.status, "Enabled");
    assert.equal(created.description, "payouts");
    assert.equal(created.dateCreated, created.dateUpdated);

    const listed = await dfns.webhooks.listWebhooks();
    assert.deepEqual(
      listed.items.map((w) => w.id),
      [created.id],
    );
    assert.equal("secret" in (listed.items[0] ?? {}), false, "the secret is shown only at creation");
    assert.equal(listed.nextPageToken, undefined);

    const got = await dfns.webhooks.getWebhook({ webhookId: created.id });
    const { secret: _secret, ...withoutSecret } = created;
    assert.deepEqual(got, withoutSecret);

    const updated = await dfns.webhooks.updateWebhook({
      webhookId: created.id,
      body: { events: ["*"], description: "everything" },
    });
    assert.deepEqual(updated.events, ["*"]);
    assert.equal(updated.description, "everything");
    assert.equal(updated.url, receiver.url);
    assert.equal("secret" in updated, false);

    const ping = await dfns.webhooks.pingWebhook({ webhookId: created.id });
    assert.deepEqual(ping, { status: "200" });
    const [pinged] = await receiver.waitFor(1);
    assert.ok(pinged);
    const pingVerdict = await PROVIDERS.dfns.verify(pinged, {
      at: pinged.receivedAt,
      secrets: [created.secret],
    });
    assert.equal(pingVerdict.verified, true, JSON.stringify(pingVerdict.checks));
    assert.equal(pingVerdict.event, "ping");
    const pingEvents = await dfns.webhooks.listWebhookEvents({ webhookId: created.id });
    assert.deepEqual(pingEvents.items, [], "ping events are not stored");

    const raised = await call(emu, "POST", "/_emulator/events", {
      body: { kind: "wallet.transfer.confirmed" },
    });
    assert.equal(raised.status, 200);
    const [, delivered] = await receiver.waitFor(2);
    assert.ok(delivered);
    const verdict = await PROVIDERS.dfns.verify(delivered, {
      at: delivered.receivedAt,
      secrets: [created.secret],
    });
    assert.equal(verdict.verified, true, JSON.stringify(verdict.checks));
    assert.equal(verdict.event, "wallet.transfer.confirmed");
    assert.equal(newDedupeIndex().observe(delivered.id, verdict), null);
    await emu.engine.idle();

    const events = await dfns.webhooks.listWebhookEvents({ webhookId: created.id });
    assert.equal(events.items.length, 1);
    const [event] = events.items;
    assert.ok(event);
    assert.equal(event.id, raised.json.deliveries[0].eventId);
    assert.equal(event.kind, "wallet.transfer.confirmed");
    assert.equal(event.status, "200");
    assert.equal(event.error, undefined);
    assert.deepEqual(event.data, JSON.parse(Buffer.from(delivered.body).toString()).data);
    const stored = event as typeof event & { deliveryFailed: boolean; deliveryAttempt: number };
    assert.equal(stored.deliveryFailed, false);
    assert.equal(stored.deliveryAttempt, 1);
    const filtered = await dfns.webhooks.listWebhookEvents({
      webhookId: created.id,
      query: { kind: "wallet.transfer.confirmed", deliveryFailed: "false", limit: 10 },
    });
    assert.equal(filtered.items.length, 1);
    const one = await dfns.webhooks.getWebhookEvent({ webhookId: created.id, webhookEventId: event.id });
    assert.deepEqual(one, event);

    assert.deepEqual(await dfns.webhooks.deleteWebhook({ webhookId: created.id }), { deleted: true });
    const gone = await rejection(dfns.webhooks.getWebhook({ webhookId: created.id }));
    assert.equal(gone.httpStatus, 404);
    assert.match(gone.message, /not found/);
  });

  it("accepts the SDK's orgId check, because the token carries the org claim", async () => {
    const claims = JSON.parse(
      Buffer.from(emu.env.DFNS_AUTH_TOKEN?.split(".")[1] ?? "", "base64url").toString(),
    );
    const orgId: string = claims["https://custom/app_metadata"].orgId;
    const list = await client({ orgId }).webhooks.listWebhooks();
    assert.ok(Array.isArray(list.items));
    await assert.rejects(
      client({ orgId: "or-other" }).webhooks.listWebhooks(),
      /not scoped to org ID or-other/,
    );
  });

  it("refuses a user action signed with another key under the same credential id (401)", async () => {
    const stranger = generateKeyPairSync("ec", { namedCurve: "P-256" })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    const error = await rejection(
      client({ privateKey: stranger }).webhooks.createWebhook({ body: { url: receiver.url, events: ["*"] } }),
    );
    assert.equal(error.httpStatus, 401);
    assert.match(error.message, /signature does not verify/);
    const list = await client().webhooks.listWebhooks();
    assert.equal(list.items.length, 0, "nothing was created");
  });

  it("lists only the registered credential, so the SDK's signer refuses an unknown credential id", async () => {
    const error = await rejection(
      client({ credId: "not-a-credential" }).webhooks.createWebhook({
        body: { url: receiver.url, events: ["*"] },
      }),
    );
    assert.equal(error.httpStatus, -1);
    assert.match(error.message, /not-a-credential is not among the credentials Dfns allows/);
  });

  it("answers 404 through the SDK for an unknown webhook on every webhook call", async () => {
    const dfns = client();
    const webhookId = "wh-00000-00000-0000000000000000";
    for (const attempt of [
      () => dfns.webhooks.getWebhook({ webhookId }),
      () => dfns.webhooks.updateWebhook({ webhookId, body: { description: "x" } }),
      () => dfns.webhooks.deleteWebhook({ webhookId }),
      () => dfns.webhooks.pingWebhook({ webhookId }),
      () => dfns.webhooks.listWebhookEvents({ webhookId }),
    ]) {
      const error = await rejection(attempt());
      assert.equal(error.httpStatus, 404);
      assert.equal(error.message, `Webhook ${webhookId} not found`);
    }
  });
});
