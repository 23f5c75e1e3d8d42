import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { headerValue } from "../../src/core/delivery.js";
import type { RunningEmulator } from "../../src/emulators/types.js";
import { type BrackenEmulatorOptions, startBrackenEmulator } from "../../src/providers/bracken/emulator.js";
import { signBracken } from "../../src/providers/bracken/sign.js";
import { PROVIDERS } from "../../src/providers/index.js";
import { envOf, receiver, track } from "../helpers/api.js";
import type { Received } from "../helpers/receiver.js";

const FAST = 0.0001;
async function emulator(options: BrackenEmulatorOptions = {}): Promise<RunningEmulator> {
  const emu = await startBrackenEmulator({ timeScale: FAST, ...options });
  return track(emu);
}

const env = envOf;

function tokenRequest(
  emu: RunningEmulator,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return fetch(`${env(emu, "BRACKEN_IDENTITY_URL")}/connect/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

async function token(emu: RunningEmulator): Promise<string> {
  const res = await tokenRequest(emu, {
    grant_type: "client_credentials",
    client_id: env(emu, "BRACKEN_CLIENT_ID"),
    client_secret: env(emu, "BRACKEN_CLIENT_SECRET"),
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function api(emu: RunningEmulator, method: string, path: string, body?: unknown, bearer?: string) {
  const auth = bearer ?? (await token(emu));
  return fetch(`${env(emu, "BRACKEN_API_URL")}${path}`, {
    method,
    headers: { authorization: `Bearer ${auth}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
}

const domain = (emu: RunningEmulator) => env(emu, "BRACKEN_DOMAIN_KEY");

async function merge(emu: RunningEmulator, event: string, target: string, secret: string, active = true) {
  const res = await api(emu, "PUT", `/api/webhook/merge/domain/${domain(emu)}/event/${event}`, {
    target,
    secret,
    active,
  });
  assert.equal(res.status, 200, await res.clone().text());
  return res;
}

async function createUser(emu: RunningEmulator, username: string) {
  return api(emu, "POST", `/api/user/create/domain/${domain(emu)}`, {
    username,
    password: "JSue5be8wuI8kei328Jdu0ew*3js",
  });
}

const verifyWith = (delivery: Received, secret: string) =>
  PROVIDERS.bracken.verify(delivery, { at: delivery.receivedAt, secrets: [secret] });

const bodyOf = (delivery: Received) =>
  JSON.parse(Buffer.from(delivery.body).toString("utf8")) as {
    event: string;
    domainKey: number;
    user: { userKey: number; username: string };
  };

describe("bracken emulator: identity /connect/token", () => {
  it("issues tokens for the client in the form or as HTTP Basic", async () => {
    const emu = await emulator();
    assert.equal(env(emu, "BRACKEN_IDENTITY_URL"), env(emu, "BRACKEN_API_URL"));
    assert.match(domain(emu), /^\d+$/);
    const res = await tokenRequest(emu, {
      grant_type: "client_credentials",
      client_id: env(emu, "BRACKEN_CLIENT_ID"),
      client_secret: env(emu, "BRACKEN_CLIENT_SECRET"),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ["access_token", "expires_in", "scope", "token_type"]);
    assert.equal(body.token_type, "Bearer");
    assert.equal(body.expires_in, 3600);
    assert.equal(body.scope, "bracken.api");

    const basic = Buffer.from(
      `${env(emu, "BRACKEN_CLIENT_ID")}:${env(emu, "BRACKEN_CLIENT_SECRET")}`,
    ).toString("base64");
    const viaBasic = await tokenRequest(
      emu,
      { grant_type: "client_credentials" },
      { authorization: `Basic ${basic}` },
    );
    assert.equal(viaBasic.status, 200);
  });

  it("answers 400 with the RFC 6749 error code", async () => {
    const emu = await emulator();
    const id = env(emu, "BRACKEN_CLIENT_ID");
    const secret = env(emu, "BRACKEN_CLIENT_SECRET");
    const cases: [Record<string, string>, string][] = [
      [{ grant_type: "client_credentials", client_id: id, client_secret: "wrong" }, "invalid_client"],
      [
        { grant_type: "client_credentials", client_id: "someone-else", client_secret: secret },
        "invalid_client",
      ],
      [{ grant_type: "client_credentials" }, "invalid_client"],
      [{ grant_type: "authorization_code", client_id: id, client_secret: secret }, "unsupported_grant_type"],
      [{ client_id: id, client_secret: secret }, "invalid_request"],
      [
        { grant_type: "client_credentials", client_id: id, client_secret: secret, scope: "admin" },
        "invalid_scope",
      ],
    ];
    for (const [fields, error] of cases) {
      const res = await tokenRequest(emu, fields);
      assert.equal(res.status, 400, error);
      assert.deepEqual(await res.json(), { error });
    }
    const json = await fetch(`${emu.url}/connect/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "client_credentials", client_id: id, client_secret: secret }),
    });
    assert.deepEqual(await json.json(), { error: "invalid_request" });
  });
});

describe("bracken emulator: API authorisation", () => {
  it("401 with an empty body and a Bearer challenge: no token, unknown token, expired token", async () => {
    let clock = Date.parse("2026-11-23T10:00:00Z");
    const emu = await emulator({ now: () => new Date(clock) });
    const path = `/api/user/create/domain/${domain(emu)}`;
    const none = await fetch(`${emu.url}${path}`, { method: "POST", body: "{}" });
    assert.equal(none.status, 401);
    assert.equal(await none.text(), "");
    assert.equal(none.headers.get("www-authenticate"), "Bearer");
    const unknown = await api(emu, "POST", path, {}, "forged");
    assert.equal(unknown.headers.get("www-authenticate"), 'Bearer error="invalid_token"');

    const bearer = await token(emu);
    clock += 3600 * 1000;
    const expired = await api(emu, "POST", path, { username: "x", password: "y" }, bearer);
    assert.equal(expired.status, 401);
    assert.match(
      expired.headers.get("www-authenticate") ?? "",
      /error="invalid_token", error_description="The token is expired"/,
    );
  });

  it("POST /_emulator/expire-tokens expires every token now", async () => {
    const emu = await emulator();
    const bearer = await token(emu);
    const res = await fetch(`${emu.url}/_emulator/expire-tokens`, { method: "POST" });
    assert.deepEqual(await res.json(), { expired: 1 });
    assert.equal((await createUser(emu, "a")).status, 200, "a fresh token still works");
    assert.equal((await api(emu, "POST", `/api/user/create/domain/${domain(emu)}`, {}, bearer)).status, 401);
  });
});

describe("bracken emulator: merge webhook", () => {
  it("creates, then updates the same subscription (event case-insensitive) and echoes it", async () => {
    const emu = await emulator();
    const first = await receiver();
    const second = await receiver();
    const res = await merge(emu, "user_create", first.url, "12345");
    assert.deepEqual(await res.json(), {
      domainKey: Number(domain(emu)),
      event: "User_Create",
      target: first.url,
      secret: "12345",
      active: true,
    });
    await merge(emu, "User_Create", second.url, "67890");
    const subs = (await (await fetch(`${emu.url}/_emulator/subscriptions`)).json()) as Record<
      string,
      unknown
    >[];
    assert.equal(subs.length, 1, "merge updates instead of adding");
    assert.equal(subs[0]?.target, second.url);
    assert.equal(subs[0]?.secret, undefined, "secrets are not listed");

    assert.equal((await createUser(emu, "Test-User")).status, 200);
    const [delivery] = await second.waitFor(1);
    assert.ok(delivery);
    assert.equal((await verifyWith(delivery, "67890")).verified, true);
    await emu.engine.idle();
    assert.equal(first.received.length, 0, "the old target gets nothing");
  });

  it("refuses an unknown event, a bad body, another domain (403) and a non-integer domain (404)", async () => {
    const emu = await emulator({ domainKey: 4521 });
    const bearer = await token(emu);
    const put = (path: string, body: unknown) => api(emu, "PUT", path, body, bearer);
    const good = { target: "https://example.com/webhooks", secret: "s3cret", active: true };

    const unknown = await put("/api/webhook/merge/domain/4521/event/User_Update", good);
    assert.equal(unknown.status, 400);
    assert.match(unknown.headers.get("content-type") ?? "", /application\/problem\+json/);
    const problem = (await unknown.json()) as { status: number; errors: Record<string, string[]> };
    assert.equal(problem.status, 400);
    assert.match(problem.errors.event?.[0] ?? "", /not a webhook event/);

    const invalid = await put("/api/webhook/merge/domain/4521/event/User_Create", {
      target: "ftp://x",
      secret: "",
    });
    const errors = ((await invalid.json()) as { errors: Record<string, string[]> }).errors;
    assert.equal(invalid.status, 400);
    assert.deepEqual(Object.keys(errors).sort(), ["Active", "Secret", "Target"]);

    const malformed = await put("/api/webhook/merge/domain/4521/event/User_Create", "{oops");
    assert.equal(malformed.status, 400);

    const other = await put("/api/webhook/merge/domain/4522/event/User_Create", good);
    assert.equal(other.status, 403);
    assert.equal(((await other.json()) as { title: string }).title, "Forbidden");

    const notInt = await put("/api/webhook/merge/domain/abc/event/User_Create", good);
    assert.equal(notInt.status, 404);
    assert.equal(await notInt.text(), "");

    assert.equal(
      (await api(emu, "GET", "/api/webhook/merge/domain/4521/event/User_Create", undefined, bearer)).status,
      405,
    );
    assert.equal((await api(emu, "GET", "/api/nothing", undefined, bearer)).status, 404);
  });
});

describe("bracken emulator: users and deliveries", () => {
  it("creating a user sends a User_Create that verifies with the subscription secret", async () => {
    const emu = await emulator();
    const hook = await receiver();
    await merge(emu, "user_create", hook.url, "12345");
    const res = await createUser(emu, "Test-User");
    assert.equal(res.status, 200);
    const created = (await res.json()) as { userKey: number; username: string; domainKey: number };
    assert.equal(created.username, "Test-User");
    assert.equal(created.domainKey, Number(domain(emu)));

    const [delivery] = await hook.waitFor(1);
    assert.ok(delivery);
    const v = await verifyWith(delivery, "12345");
    assert.equal(v.verified, true, v.reason ?? "");
    assert.equal(v.meta.signedForm, "raw");
    assert.equal(v.event, "User_Create");
    const body = bodyOf(delivery);
    assert.deepEqual(body.user, { userKey: created.userKey, username: "Test-User" });
    assert.equal(body.domainKey, created.domainKey);
    // Bracken signs JSON.stringify(body): the bytes sent are that compact form.
    const text = Buffer.from(delivery.body).toString("utf8");
    assert.equal(text, JSON.stringify(JSON.parse(text)));
    assert.equal(headerValue(delivery.headers, "Authorization"), signBracken(delivery.body, "12345"));
    assert.equal((await verifyWith(delivery, "wrong")).reason, "signature_mismatch");

    const duplicate = await createUser(emu, "test-user");
    assert.equal(duplicate.status, 409);
    assert.match(((await duplicate.json()) as { detail: string }).detail, /already taken/);
    const invalid = await api(emu, "POST", `/api/user/create/domain/${domain(emu)}`, { username: "" });
    assert.deepEqual(Object.keys(((await invalid.json()) as { errors: object }).errors).sort(), [
      "Password",
      "Username",
    ]);
  });

  it("an inactive subscription receives nothing", async () => {
    const emu = await emulator();
    const hook = await receiver();
    await merge(emu, "User_Create", hook.url, "create-secret", false);
    await merge(emu, "User_Delete", hook.url, "delete-secret", true);
    assert.equal((await createUser(emu, "Test-User")).status, 200);
    const del = await api(emu, "POST", `/api/user/delete/domain/${domain(emu)}`, { username: "Test-User" });
    assert.equal(del.status, 200);
    assert.equal(((await del.json()) as { deleted: boolean }).deleted, true);
    const [delivery] = await hook.waitFor(1);
    assert.ok(delivery);
    await emu.engine.idle();
    assert.equal(hook.received.length, 1);
    const v = await verifyWith(delivery, "delete-secret");
    assert.equal(v.verified, true);
    assert.equal(v.event, "User_Delete");
    assert.equal(bodyOf(delivery).user.username, "Test-User");
  });

  it("the delete-user path is an option (the real one is unpublished); unknown users are 404", async () => {
    const emu = await emulator({ deleteUserPath: "/api/user/remove/domain/:domainkey" });
    const hook = await receiver();
    await merge(emu, "User_Delete", hook.url, "s");
    await createUser(emu, "ann");
    assert.equal(
      (await api(emu, "POST", `/api/user/delete/domain/${domain(emu)}`, { username: "ann" })).status,
      404,
    );
    assert.equal(
      (await api(emu, "POST", `/api/user/remove/domain/${domain(emu)}`, { username: "bob" })).status,
      404,
    );
    assert.equal(
      (await api(emu, "POST", `/api/user/remove/domain/${domain(emu)}`, { username: "ann" })).status,
      200,
    );
    const [delivery] = await hook.waitFor(1);
    assert.ok(delivery);
    assert.equal(bodyOf(delivery).event, "User_Delete");
  });

  it("POST /_emulator/events sends module and course events to their subscriptions", async () => {
    const emu = await emulator();
    const hook = await receiver();
    await merge(emu, "module_complete", hook.url, "m");
    await createUser(emu, "learner");
    const res = await fetch(`${emu.url}/_emulator/events`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ event: "Module_Complete", username: "learner" }),
    });
    assert.equal(res.status, 202);
    assert.deepEqual(await res.json(), { event: "Module_Complete", sent: true });
    const [delivery] = await hook.waitFor(1);
    assert.ok(delivery);
    const v = await verifyWith(delivery, "m");
    assert.equal(v.event, "Module_Complete");
    assert.equal(bodyOf(delivery).user.username, "learner");
    const none = await fetch(`${emu.url}/_emulator/events`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ event: "Course_Expired" }),
    });
    assert.deepEqual(await none.json(), { event: "Course_Expired", sent: false });
    const bad = await fetch(`${emu.url}/_emulator/events`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ event: "Nope" }),
    });
    assert.equal(bad.status, 400);
  });
});

describe("bracken emulator: retries (policy unknown: configurable, default documented)", () => {
  it("retries non-2xx answers with the same signed bytes until a 2xx", async () => {
    const emu = await emulator();
    const hook = await receiver([500, 403, 200]);
    await merge(emu, "User_Create", hook.url, "12345");
    await createUser(emu, "Test-User");
    const received = await hook.waitFor(3);
    await emu.engine.idle();
    const [first] = received;
    assert.ok(first);
    for (const again of received) {
      assert.deepEqual(again.body, first.body);
      assert.equal(headerValue(again.headers, "Authorization"), headerValue(first.headers, "Authorization"));
      assert.equal(
        (await verifyWith(again, "12345")).dedupeKey,
        (await verifyWith(first, "12345")).dedupeKey,
      );
    }
    assert.deepEqual(
      emu.engine.attempts.map((a) => [a.attempt, a.status, a.outcome]),
      [
        [1, 500, "retry scheduled"],
        [2, 403, "retry scheduled"],
        [3, 200, "delivered"],
      ],
    );
    const listed = (await (await fetch(`${emu.url}/_emulator/deliveries`)).json()) as { outcome: string }[];
    assert.deepEqual(
      listed.map((a) => a.outcome),
      ["retry scheduled", "retry scheduled", "delivered"],
    );
  });

  it("gives up after the configured offsets", async () => {
    const emu = await emulator({ retryOffsetsMs: [0, 10_000] });
    const hook = await receiver([502]);
    await merge(emu, "User_Create", hook.url, "12345");
    await createUser(emu, "Test-User");
    await emu.engine.waitFor(2);
    await emu.engine.idle();
    assert.deepEqual(
      emu.engine.attempts.map((a) => a.outcome),
      ["retry scheduled", "gave up"],
    );
    assert.equal(hook.received.length, 2);
  });

  it("close() stops scheduled retries and is idempotent", async () => {
    const emu = await emulator({ timeScale: 1 });
    const hook = await receiver([500]);
    await merge(emu, "User_Create", hook.url, "12345");
    await createUser(emu, "Test-User");
    await emu.engine.waitFor(1);
    await Promise.all([emu.close(), emu.close()]);
    await emu.engine.idle();
    assert.equal(emu.engine.attempts.length, 1);
  });
});
