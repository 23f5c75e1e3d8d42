// `whtool register --provider dfns` and its cleanup, against the Dfns emulator over real HTTP, with the
// user-action signing done by @dfns/sdk.
import assert from "node:assert/strict";
import { stat } from "node:fs/promises";
import { describe, it } from "node:test";
import { dfnsApi } from "../../src/providers/dfns/api.js";
import { apiContext, dfnsEmulator, failure, listedWebhooks, stateOnDisk } from "./dfns-setup.js";

const URL_A = "https://a.example.test/webhooks";
const URL_B = "https://b.example.test/hooks/dfns";

describe("dfns register: create", () => {
  it("creates the webhook and saves its secret in .whtool/state.json (0600), never showing it", async (t) => {
    const emu = await dfnsEmulator(t);
    const ctx = apiContext(emu.env);
    const outcome = await dfnsApi.register({ url: URL_A }, ctx);

    assert.equal(outcome.provider, "dfns");
    assert.equal(outcome.action, "created");
    assert.match(outcome.id ?? "", /^wh-/);
    assert.equal(outcome.url, URL_A);
    assert.equal(outcome.secretSaved, true);
    assert.deepEqual(outcome.details.events, ["*"]);
    assert.equal(outcome.details.statePath, ".whtool/state.json");
    assert.match(outcome.message, /saved it in \.whtool\/state\.json \(mode 0600\)/);
    assert.match(outcome.message, /whtool listen and whtool verify use it/);

    const state = await stateOnDisk(ctx);
    assert.equal(state.secrets.length, 1);
    const [saved] = state.secrets;
    assert.ok(saved);
    assert.deepEqual([saved.provider, saved.id, saved.url], ["dfns", outcome.id, URL_A]);
    assert.match(saved.secret, /^whs-/);
    assert.equal((await stat(ctx.state.path)).mode & 0o777, 0o600);
    const shown = [outcome.message, JSON.stringify(outcome.details), ...ctx.said].join("\n");
    assert.ok(!shown.includes(saved.secret), "the secret is shown");

    const [listed] = await listedWebhooks(emu);
    assert.deepEqual([listed?.id, listed?.url, listed?.events], [outcome.id, URL_A, ["*"]]);
  });

  it("subscribes to the --event kinds given", async (t) => {
    const emu = await dfnsEmulator(t);
    const outcome = await dfnsApi.register(
      {
        url: URL_A,
        events: ["wallet.transfer.confirmed", "policy.approval.pending", "wallet.transfer.confirmed"],
      },
      apiContext(emu.env),
    );
    assert.deepEqual(outcome.details.events, ["wallet.transfer.confirmed", "policy.approval.pending"]);
    assert.deepEqual((await listedWebhooks(emu))[0]?.events, [
      "wallet.transfer.confirmed",
      "policy.approval.pending",
    ]);
  });

  it("refuses a missing or non-http --url and an unknown event kind (exit 2) before calling Dfns", async (t) => {
    const emu = await dfnsEmulator(t);
    const ctx = apiContext(emu.env);
    const missing = await failure(dfnsApi.register({}, ctx), 2);
    assert.match(missing.message, /needs --url/);
    const ftp = await failure(dfnsApi.register({ url: "ftp://x.test/" }, ctx), 2);
    assert.match(ftp.message, /http or https/);
    const kind = await failure(dfnsApi.register({ url: URL_A, events: ["wallet.transfer.done"] }, ctx), 2);
    assert.match(kind.message, /unknown Dfns event kind "wallet\.transfer\.done"/);
    assert.match(kind.hint ?? "", /wallet\.transfer\.requested/);
    assert.match(kind.hint ?? "", /\* for every kind/);
    assert.equal(emu.requests.length, 0, "nothing was asked of Dfns");
  });
});

describe("dfns register: update", () => {
  it("updates the webhook already registered for the same URL instead of creating another", async (t) => {
    const emu = await dfnsEmulator(t);
    const ctx = apiContext(emu.env);
    const first = await dfnsApi.register({ url: URL_A }, ctx);
    const secret = (await stateOnDisk(ctx)).secrets[0]?.secret;
    const again = await dfnsApi.register({ url: URL_A, events: ["wallet.created"] }, ctx);

    assert.equal(again.action, "updated");
    assert.equal(again.id, first.id);
    assert.equal(again.secretSaved, true);
    assert.match(again.message, /Dfns shows a webhook's secret only when it creates it/);
    assert.match(again.message, /whtool saved this one's then, in \.whtool\/state\.json/);
    const listed = await listedWebhooks(emu);
    assert.equal(listed.length, 1, "one webhook, not two");
    assert.deepEqual(listed[0]?.events, ["wallet.created"]);
    assert.equal((await stateOnDisk(ctx)).secrets[0]?.secret, secret, "the saved secret is kept");
  });

  it("says to set DFNS_WEBHOOK_SECRET when the webhook for that URL was not created here", async (t) => {
    const emu = await dfnsEmulator(t);
    const elsewhere = await dfnsApi.register({ url: URL_A }, apiContext(emu.env)); // another folder's state
    const ctx = apiContext(emu.env);
    const outcome = await dfnsApi.register({ url: URL_A }, ctx);
    assert.equal(outcome.action, "updated");
    assert.equal(outcome.id, elsewhere.id);
    assert.equal(outcome.secretSaved, false);
    assert.match(outcome.message, /whtool has none saved for wh-/);
    assert.match(outcome.message, /Set DFNS_WEBHOOK_SECRET/);
    assert.equal((await listedWebhooks(emu)).length, 1);
  });

  it("--webhook-id updates that webhook (URL, events, Enabled) and keeps its saved secret's entry current", async (t) => {
    const emu = await dfnsEmulator(t);
    const ctx = apiContext(emu.env);
    const created = await dfnsApi.register({ url: URL_A }, ctx);
    const moved = await dfnsApi.register(
      { url: URL_B, webhookId: created.id ?? "", events: ["wallet.transfer.failed"] },
      ctx,
    );
    assert.equal(moved.action, "updated");
    assert.equal(moved.id, created.id);
    assert.equal(moved.url, URL_B);
    assert.equal(moved.details.status, "Enabled");
    assert.equal(moved.secretSaved, true);
    const listed = await listedWebhooks(emu);
    assert.deepEqual(
      listed.map((h) => [h.id, h.url, h.events]),
      [[created.id, URL_B, ["wallet.transfer.failed"]]],
    );
    const state = await stateOnDisk(ctx);
    assert.deepEqual(
      state.secrets.map((s) => [s.id, s.url]),
      [[created.id, URL_B]],
    );
  });

  it("--webhook-id of an unknown webhook → exit 4 with Dfns' message", async (t) => {
    const emu = await dfnsEmulator(t);
    const id = "wh-00000-00000-0000000000000000";
    const error = await failure(dfnsApi.register({ url: URL_A, webhookId: id }, apiContext(emu.env)), 4);
    assert.match(error.message, new RegExp(`HTTP 404: Webhook ${id} not found`));
    assert.match(error.hint ?? "", /leave --webhook-id out to create one/);
  });

  it("finds the webhook for the URL on a later page of the list", async (t) => {
    const emu = await dfnsEmulator(t, { webhookLimit: 110 });
    const scratch = apiContext(emu.env);
    for (let i = 0; i < 101; i++) await dfnsApi.register({ url: `https://h${i}.example.test/` }, scratch);
    const outcome = await dfnsApi.register({ url: "https://h100.example.test/" }, apiContext(emu.env));
    assert.equal(outcome.action, "updated");
    assert.equal(await listedWebhooksCount(emu), 101);
  });
});

async function listedWebhooksCount(emu: Parameters<typeof listedWebhooks>[0]): Promise<number> {
  let count = 0;
  let token: string | undefined;
  do {
    const response = await fetch(`${emu.url}/webhooks?limit=100${token ? `&paginationToken=${token}` : ""}`, {
      headers: { authorization: `Bearer ${emu.env.DFNS_AUTH_TOKEN ?? ""}` },
    });
    const page = (await response.json()) as { items: unknown[]; nextPageToken?: string };
    count += page.items.length;
    token = page.nextPageToken;
  } while (token);
  return count;
}

describe("dfns register: the webhook limit", () => {
  it("a sixth webhook → exit 4 with Dfns' message and how to free one", async (t) => {
    const emu = await dfnsEmulator(t);
    const ctx = apiContext(emu.env);
    for (let i = 0; i < 5; i++) await dfnsApi.register({ url: `https://h${i}.example.test/` }, ctx);
    const error = await failure(dfnsApi.register({ url: URL_A }, ctx), 4);
    assert.match(error.message, /Dfns create webhook failed: HTTP 400: Webhook limit reached/);
    assert.match(error.hint ?? "", /5 webhooks per organisation/);
    assert.match(error.hint ?? "", /Dfns dashboard/);
    assert.match(error.hint ?? "", /whtool trigger cannot delete webhooks/);
    assert.match(error.hint ?? "", /--webhook-id/);
    assert.match(error.hint ?? "", /https:\/\/h0\.example\.test\//);
    assert.equal((await stateOnDisk(ctx)).secrets.length, 5);
  });
});

describe("dfns unregister", () => {
  it("deletes a webhook this register created and forgets its secret", async (t) => {
    const emu = await dfnsEmulator(t);
    const ctx = apiContext(emu.env);
    const other = await dfnsApi.register({ url: URL_B }, ctx);
    const outcome = await dfnsApi.register({ url: URL_A }, ctx);
    assert.ok(dfnsApi.unregister);
    await dfnsApi.unregister(outcome, ctx);
    assert.deepEqual(
      (await listedWebhooks(emu)).map((h) => h.id),
      [other.id],
    );
    assert.deepEqual(
      (await stateOnDisk(ctx)).secrets.map((s) => s.id),
      [other.id],
    );
    await dfnsApi.unregister(outcome, ctx); // already gone: nothing to do, no error
  });

  it("leaves a webhook it only updated", async (t) => {
    const emu = await dfnsEmulator(t);
    const ctx = apiContext(emu.env);
    await dfnsApi.register({ url: URL_A }, ctx);
    const updated = await dfnsApi.register({ url: URL_A }, ctx);
    assert.equal(updated.action, "updated");
    await dfnsApi.unregister?.(updated, ctx);
    assert.equal((await listedWebhooks(emu)).length, 1);
    assert.equal((await stateOnDisk(ctx)).secrets.length, 1);
  });
});
