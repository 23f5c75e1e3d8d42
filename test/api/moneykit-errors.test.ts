import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { headerValue } from "../../src/core/delivery.js";
import { EXIT } from "../../src/errors.js";
import { moneykitApi } from "../../src/providers/moneykit/api.js";
import { startReceiver } from "../helpers/receiver.js";
import {
  context,
  emulator,
  emulatorCall,
  envOf,
  failure,
  receiver,
  shown,
  tokenRequests,
} from "./moneykit-setup.js";

describe("moneykit api: credentials and tokens", () => {
  it("missing credentials exit 3 naming MONEYKIT_CLIENT_ID and MONEYKIT_CLIENT_SECRET", async () => {
    const emu = await emulator();
    const none = await failure(() =>
      moneykitApi.register(
        { link: "mk_x", url: "https://example.com/h" },
        context({ MONEYKIT_API_URL: emu.url }),
      ),
    );
    assert.equal(none.exitCode, EXIT.config);
    assert.match(none.message, /MONEYKIT_CLIENT_ID, MONEYKIT_CLIENT_SECRET/);
    const noSecret = await failure(() =>
      moneykitApi.trigger(
        { name: "link.state_changed", link: "mk_x" },
        context({ MONEYKIT_API_URL: emu.url, MONEYKIT_CLIENT_ID: "id" }),
      ),
    );
    assert.equal(noSecret.exitCode, EXIT.config);
    assert.match(noSecret.message, /MONEYKIT_CLIENT_SECRET/);
    assert.doesNotMatch(noSecret.message, /MONEYKIT_CLIENT_ID/);
    assert.equal(emu.requests.length, 0, "nothing was sent without credentials");
  });

  it("wrong credentials exit 4 with MoneyKit's message, never echoing the secret", async () => {
    const emu = await emulator();
    const wrong = `wrong-${randomBytes(16).toString("hex")}`;
    const ctx = context({ ...envOf(emu), MONEYKIT_CLIENT_SECRET: wrong });
    const error = await failure(() =>
      moneykitApi.trigger({ name: "link.state_changed", link: emu.env.MONEYKIT_LINK_ID ?? "" }, ctx),
    );
    assert.equal(error.exitCode, EXIT.network);
    assert.match(error.message, /HTTP 401: Invalid client credentials\. \(api_error\.auth\.unauthorized\)/);
    assert.match(error.hint ?? "", /MONEYKIT_CLIENT_ID and MONEYKIT_CLIENT_SECRET/);
    assert.ok(!shown(error).includes(wrong), "the wrong secret was echoed");
    assert.ok(!shown(error).includes(emu.env.MONEYKIT_CLIENT_SECRET ?? "<none>"), "the real secret leaked");
  });

  it("an expired token is renewed once: exactly one extra /auth/token, and the call succeeds", async () => {
    const emu = await emulator();
    const rx = await receiver();
    const ctx = context(envOf(emu));
    const linkId = emu.env.MONEYKIT_LINK_ID ?? "";
    await moneykitApi.register({ link: linkId, url: rx.url }, ctx);
    await moneykitApi.trigger({ name: "link.state_changed", link: linkId }, ctx);
    assert.equal(tokenRequests(emu), 1, "the token is cached between calls");

    const expired = await emulatorCall(emu, "POST", "/_emulator/expire-tokens");
    assert.equal(expired.status, 200);
    await moneykitApi.trigger({ name: "transactions.updates_available", link: linkId }, ctx);
    assert.equal(tokenRequests(emu), 2, "one renewal");
    const testCalls = emu.requests.filter((r) => r.path === `/webhooks/test/link/${linkId}`);
    assert.deepEqual(
      testCalls.map((r) => r.status),
      [200, 401, 200],
    );
    await rx.waitFor(2);

    await moneykitApi.trigger({ name: "link.product_refresh", link: linkId }, ctx);
    assert.equal(tokenRequests(emu), 2, "the renewed token is cached in turn");
  });

  it("sends MoneyKit-Version 2023-02-18 and the credentials form-encoded", async () => {
    // A recording server answering 401 stands in for MoneyKit: only the token request's shape matters here.
    const fake = await startReceiver([401]);
    try {
      const base = fake.url.replace(/\/webhooks$/, "");
      const ctx = context({
        MONEYKIT_API_URL: base,
        MONEYKIT_CLIENT_ID: "cid",
        MONEYKIT_CLIENT_SECRET: "s3cret-xyz",
      });
      const error = await failure(() =>
        moneykitApi.trigger({ name: "link.state_changed", link: "mk_1" }, ctx),
      );
      assert.equal(error.exitCode, EXIT.network);
      const [request] = fake.received;
      assert.ok(request);
      assert.equal(request.path, "/auth/token");
      assert.equal(headerValue(request.headers, "MoneyKit-Version"), "2023-02-18");
      assert.equal(headerValue(request.headers, "content-type"), "application/x-www-form-urlencoded");
      assert.deepEqual(Object.fromEntries(new URLSearchParams(Buffer.from(request.body).toString("utf8"))), {
        grant_type: "client_credentials",
        client_id: "cid",
        client_secret: "s3cret-xyz",
      });
      assert.ok(!shown(error).includes("s3cret-xyz"));
    } finally {
      await fake.close();
    }
  });
});

describe("moneykit api: MoneyKit's errors in plain words", () => {
  it("unknown link: exit 4 with MoneyKit's own message", async () => {
    const emu = await emulator();
    const ctx = context(envOf(emu));
    for (const call of [
      () => moneykitApi.register({ link: "mk_nope", url: "https://example.com/h" }, ctx),
      () => moneykitApi.trigger({ name: "link.state_changed", link: "mk_nope" }, ctx),
      () => moneykitApi.trigger({ name: "refresh", link: "mk_nope", products: ["accounts"] }, ctx),
      () => moneykitApi.trigger({ name: "delete-link", link: "mk_nope", yes: true }, ctx),
    ]) {
      const error = await failure(call);
      assert.equal(error.exitCode, EXIT.network);
      assert.match(error.message, /HTTP 404: Link mk_nope not found\. \(link_error\.not_found\)/);
      assert.match(error.hint ?? "", /no link mk_nope for these credentials/);
    }
  });

  it("refresh rate limit: exit 4 naming the product and when it can be refreshed again", async () => {
    const emu = await emulator();
    const rx = await receiver();
    const ctx = context(envOf(emu));
    const linkId = emu.env.MONEYKIT_LINK_ID ?? "";
    await moneykitApi.register({ link: linkId, url: rx.url }, ctx);
    await moneykitApi.trigger({ name: "refresh", link: linkId, products: ["accounts"] }, ctx);
    const error = await failure(() =>
      moneykitApi.trigger({ name: "refresh", link: linkId, products: ["transactions", "accounts"] }, ctx),
    );
    assert.equal(error.exitCode, EXIT.network);
    assert.match(error.message, /HTTP 429: Rate limit exceeded for product accounts/);
    assert.match(
      error.hint ?? "",
      /accounts was refreshed within the last hour and can be refreshed again in about 60 min \(after \d\d:\d\d UTC\)/,
    );
    assert.match(
      error.hint ?? "",
      /at most once an hour \(accounts, transactions\) or once a day \(account_numbers, identity\)/,
    );
    // Nothing was refreshed: MoneyKit refuses the whole request, so transactions can still be refreshed alone.
    await moneykitApi.trigger({ name: "refresh", link: linkId, products: ["transactions"] }, ctx);
  });

  it("test webhook rate limit (when MoneyKit applies one): exit 4, said as such", async () => {
    const emu = await emulator({ testWebhookLimit: { count: 1, windowMs: 3_600_000 } });
    const rx = await receiver();
    const ctx = context(envOf(emu));
    const linkId = emu.env.MONEYKIT_LINK_ID ?? "";
    await moneykitApi.register({ link: linkId, url: rx.url }, ctx);
    await moneykitApi.trigger({ name: "link.state_changed", link: linkId }, ctx);
    const error = await failure(() => moneykitApi.trigger({ name: "link.state_changed", link: linkId }, ctx));
    assert.equal(error.exitCode, EXIT.network);
    assert.match(error.message, /HTTP 429: Rate limit exceeded for test webhooks/);
    assert.equal(error.hint, "MoneyKit limits how many test webhooks a link may send: send another later");
  });

  it("a production link: test webhooks are sandbox-only, said plainly", async () => {
    const emu = await emulator();
    const rx = await receiver();
    const live = await emulatorCall(emu, "POST", "/_emulator/links", { sandbox: false, webhook: rx.url });
    const linkId = String(live.body.link_id);
    const error = await failure(() =>
      moneykitApi.trigger({ name: "link.state_changed", link: linkId }, context(envOf(emu))),
    );
    assert.equal(error.exitCode, EXIT.network);
    assert.match(error.message, /HTTP 403: .*link_error\.forbidden_action/);
    assert.equal(
      error.hint,
      "test webhooks work only for sandbox links: use a link made with sandbox credentials, or trigger refresh on a real link (may be billed)",
    );
    // …and the way out it names works on that link.
    await moneykitApi.trigger({ name: "refresh", link: linkId, products: ["accounts"] }, context(envOf(emu)));
    await rx.waitFor(1);
  });

  it("a link without a webhook: the register command to run", async () => {
    const emu = await emulator();
    const linkId = emu.env.MONEYKIT_LINK_ID ?? "";
    const error = await failure(() =>
      moneykitApi.trigger({ name: "link.state_changed", link: linkId }, context(envOf(emu))),
    );
    assert.equal(error.exitCode, EXIT.network);
    assert.match(error.message, /HTTP 400: Link has no webhook URL configured\./);
    assert.equal(
      error.hint,
      `the link has no webhook: whtool register --provider moneykit --link ${linkId} --url URL`,
    );
  });

  it("a deleted link: 410 says it cannot be used again", async () => {
    const emu = await emulator();
    const ctx = context(envOf(emu));
    const linkId = emu.env.MONEYKIT_LINK_ID ?? "";
    await moneykitApi.trigger({ name: "delete-link", link: linkId, yes: true }, ctx);
    const error = await failure(() => moneykitApi.trigger({ name: "link.state_changed", link: linkId }, ctx));
    assert.equal(error.exitCode, EXIT.network);
    assert.match(error.message, /HTTP 410: Link deleted\./);
    assert.match(error.hint ?? "", /was deleted and cannot be used again: .*--new-link/);
  });
});

describe("moneykit api: usage errors (exit 2, nothing sent)", () => {
  it("refuses bad flags before calling MoneyKit", async () => {
    const emu = await emulator();
    const ctx = context(envOf(emu));
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => moneykitApi.trigger({ name: "delete-link", link: "mk_1" }, ctx), /cannot be undone/],
      [() => moneykitApi.trigger({ name: "link.state_changed" }, ctx), /needs a link: pass --link ID/],
      [() => moneykitApi.trigger({ name: "refresh", link: "mk_1" }, ctx), /needs --products/],
      [
        () => moneykitApi.trigger({ name: "refresh", link: "mk_1", products: ["accounts", "balances"] }, ctx),
        /unknown MoneyKit product balances/,
      ],
      [() => moneykitApi.trigger({ name: "ping", link: "mk_1" }, ctx), /unknown MoneyKit trigger ping/],
      [() => moneykitApi.register({ url: "https://example.com/h" }, ctx), /needs --link ID or --new-link/],
      [
        () => moneykitApi.register({ link: "mk_1", newLink: true, url: "https://example.com/h" }, ctx),
        /cannot be combined/,
      ],
      [() => moneykitApi.register({ link: "mk_1" }, ctx), /needs --url URL/],
      [() => moneykitApi.register({ newLink: true, url: "ftp://example.com" }, ctx), /is not http\(s\)/],
    ];
    for (const [call, message] of cases) {
      const error = await failure(call);
      assert.equal(error.exitCode, EXIT.usage, error.message);
      assert.match(error.message, message);
    }
    const noYes = await failure(() => moneykitApi.trigger({ name: "delete-link", link: "mk_1" }, ctx));
    assert.equal(noYes.hint, "add --yes to confirm");
    const noLink = await failure(() => moneykitApi.trigger({ name: "refresh" }, ctx));
    assert.match(noLink.hint ?? "", /MONEYKIT_LINK_ID \(whtool emulate sets it/);
    assert.equal(emu.requests.length, 0);
  });
});
