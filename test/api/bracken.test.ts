import assert from "node:assert/strict";
import { stat } from "node:fs/promises";
import { describe, it } from "node:test";
import { headerValue } from "../../src/core/delivery.js";
import { brackenApi } from "../../src/providers/bracken/api.js";
import {
  assertVerifies,
  bodyOf,
  context,
  emulator,
  emulatorGet,
  receiver,
  savedSecrets,
  tokenRequests,
} from "./bracken-setup.js";

describe("bracken api: register", () => {
  it("merges User_Create with BRACKEN_WEBHOOK_SECRET when set, saves it 0600, says which without printing it", async () => {
    const emu = await emulator();
    const rx = await receiver();
    const ctx = context(emu.env);
    const secret = emu.env.BRACKEN_WEBHOOK_SECRET ?? "";
    assert.ok(secret.length > 0);
    const outcome = await brackenApi.register({ url: rx.url }, ctx);
    assert.equal(outcome.provider, "bracken");
    // The merge answers 200 whether it created or replaced: "updated", with the semantics explained.
    assert.equal(outcome.action, "updated");
    assert.equal(outcome.id, "User_Create");
    assert.equal(outcome.url, rx.url);
    assert.equal(outcome.secretSaved, true);
    assert.match(outcome.message, /BRACKEN_WEBHOOK_SECRET from the environment/);
    assert.match(outcome.message, /creates the subscription or replaces/);
    assert.match(outcome.message, /whtool trigger user-create --provider bracken/);
    const everything = `${outcome.message}\n${JSON.stringify(outcome.details)}\n${ctx.said.join("\n")}`;
    assert.ok(!everything.includes(secret), "the secret is never shown");
    assert.deepEqual(outcome.details.events, ["User_Create"]);
    assert.equal(outcome.details.secretSource, "env");

    const saved = await ctx.state.secrets("bracken");
    assert.deepEqual(
      saved.map(({ id, url, secret: s }) => ({ id, url, s })),
      [{ id: "User_Create", url: rx.url, s: secret }],
    );
    assert.equal((await stat(ctx.state.path)).mode & 0o777, 0o600);
    const subs = (await emulatorGet(emu, "/_emulator/subscriptions")) as Record<string, unknown>[];
    assert.deepEqual(
      subs.map((s) => [s.event, s.target, s.active]),
      [["User_Create", rx.url, true]],
    );
  });

  it("generates a strong secret when none is given; user-create's delivery verifies with the saved one", async () => {
    const emu = await emulator();
    const rx = await receiver();
    const ctx = context({ ...emu.env, BRACKEN_WEBHOOK_SECRET: undefined });
    const outcome = await brackenApi.register({ url: rx.url }, ctx);
    assert.equal(outcome.details.secretSource, "generated");
    assert.match(outcome.message, /a new random one whtool generated/);
    const [secret] = savedSecrets(ctx);
    assert.ok(secret);
    assert.match(secret, /^[A-Za-z0-9_-]{43}$/, "32 random bytes, base64url");
    assert.ok(!outcome.message.includes(secret));

    const triggered = await brackenApi.trigger({ name: "user-create" }, ctx);
    const username = String(triggered.details.username);
    assert.match(username, /^whtool-test-[0-9a-f]{6}$/);
    assert.match(
      triggered.message,
      new RegExp(`whtool trigger user-delete --provider bracken --username ${username}`),
    );
    assert.match(triggered.message, /password was random and is not shown/);
    const [d] = await rx.waitFor(1);
    assert.ok(d);
    assert.match(headerValue(d.headers, "Authorization") ?? "", /^HMACSHA256 /);
    const body = bodyOf(d);
    assert.equal(body.event, "User_Create");
    assert.equal((body.user as Record<string, unknown>).username, username);
    await assertVerifies(d, savedSecrets(ctx));
    const users = (await emulatorGet(emu, "/_emulator/users")) as Record<string, unknown>[];
    assert.deepEqual(
      users.map((u) => u.username),
      [username],
    );
  });

  it("takes --secret and several --event values case-insensitively; a short secret is warned about", async () => {
    const emu = await emulator();
    const rx = await receiver();
    const ctx = context(emu.env);
    const outcome = await brackenApi.register(
      { url: rx.url, secret: "12345", events: ["user_create", "USER_DELETE", "User_Create"] },
      ctx,
    );
    assert.deepEqual(outcome.details.events, ["User_Create", "User_Delete"]);
    assert.equal(outcome.id, "User_Create,User_Delete");
    assert.match(outcome.message, /the one given with --secret/);
    assert.match(outcome.message, /Warning: that secret is short/);
    assert.ok(!outcome.message.includes("12345"));
    const saved = await ctx.state.secrets("bracken");
    assert.deepEqual(saved.map((s) => s.id).sort(), ["User_Create", "User_Delete"]);
    assert.ok(saved.every((s) => s.secret === "12345"));
  });

  it("unregister merges again with active:false and forgets the saved secrets", async () => {
    const emu = await emulator();
    const rx = await receiver();
    const ctx = context(emu.env);
    const outcome = await brackenApi.register({ url: rx.url, events: ["User_Create", "Module_Start"] }, ctx);
    assert.ok(brackenApi.unregister);
    await brackenApi.unregister(outcome, ctx);
    const subs = (await emulatorGet(emu, "/_emulator/subscriptions")) as Record<string, unknown>[];
    assert.deepEqual(subs.map((s) => [s.event, s.active]).sort(), [
      ["Module_Start", false],
      ["User_Create", false],
    ]);
    assert.deepEqual(await ctx.state.secrets("bracken"), []);
    await brackenApi.trigger({ name: "user-create" }, ctx);
    const attempts = (await emulatorGet(emu, "/_emulator/deliveries")) as unknown[];
    assert.equal(attempts.length, 0, "an inactive subscription gets nothing");
  });
});

describe("bracken api: triggers", () => {
  it("user-delete (default, guessed path) removes the user and fires User_Delete, saying the path is a guess", async () => {
    const emu = await emulator();
    const rx = await receiver();
    const ctx = context(emu.env);
    await brackenApi.register({ url: rx.url, events: ["User_Create", "User_Delete"] }, ctx);
    const created = await brackenApi.trigger({ name: "user-create" }, ctx);
    const username = String(created.details.username);
    const deleted = await brackenApi.trigger({ name: "user-delete", username }, ctx);
    assert.match(deleted.message, /a guess: Bracken does not publish its delete-user endpoint/);
    assert.match(deleted.message, /BRACKEN_DELETE_USER_PATH/);
    assert.equal(deleted.details.pathSource, "default-guess");
    assert.equal(deleted.details.path, `/api/user/delete/domain/${emu.env.BRACKEN_DOMAIN_KEY}`);
    const all = await rx.waitFor(2);
    const events = all.map((d) => bodyOf(d).event);
    assert.deepEqual(events.sort(), ["User_Create", "User_Delete"]);
    for (const d of all) await assertVerifies(d, savedSecrets(ctx));
    assert.deepEqual(await emulatorGet(emu, "/_emulator/users"), []);
  });

  it("user-delete uses BRACKEN_DELETE_USER_PATH when set ({domainkey} filled in)", async () => {
    const emu = await emulator({ deleteUserPath: "/api/v2/domains/:domainkey/users/remove" });
    const ctx = context({ ...emu.env, BRACKEN_DELETE_USER_PATH: "/api/v2/domains/{domainkey}/users/remove" });
    const created = await brackenApi.trigger({ name: "user-create" }, ctx);
    const deleted = await brackenApi.trigger(
      { name: "user-delete", username: String(created.details.username) },
      ctx,
    );
    assert.equal(deleted.details.pathSource, "env");
    assert.match(deleted.message, /the path from BRACKEN_DELETE_USER_PATH/);
    assert.doesNotMatch(deleted.message, /a guess/);
  });

  it("reuses one token across calls until it expires, then renews it once (emulator expire-tokens)", async () => {
    const emu = await emulator();
    const rx = await receiver();
    const ctx = context(emu.env);
    await brackenApi.register({ url: rx.url }, ctx);
    await brackenApi.trigger({ name: "user-create" }, ctx);
    assert.equal(tokenRequests(emu), 1, "the cached token served both calls");
    const expired = await fetch(`${emu.url}/_emulator/expire-tokens`, { method: "POST" });
    assert.equal(expired.status, 200);
    const again = await brackenApi.trigger({ name: "user-create" }, ctx);
    assert.match(String(again.details.username), /^whtool-test-/);
    assert.equal(tokenRequests(emu), 2, "renewed exactly once");
    const refused = emu.requests.filter((r) => r.path.startsWith("/api/user/create") && r.status === 401);
    assert.equal(refused.length, 1, "one 401 for the expired token, then success");
    await rx.waitFor(2);
  });

  it("lists its triggers and defaults to user-create", () => {
    assert.equal(brackenApi.defaultTrigger, "user-create");
    assert.deepEqual(Object.keys(brackenApi.triggers).sort(), ["user-create", "user-delete"]);
  });
});
