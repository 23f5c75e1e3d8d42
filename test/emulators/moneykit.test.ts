import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { RunningEmulator } from "../../src/emulators/types.js";
import {
  type MoneyKitEmulatorOptions,
  startMoneyKitEmulator,
} from "../../src/providers/moneykit/emulator.js";

const START = Date.parse("2026-11-23T10:00:00.000Z");
const MIN = 60_000;
const HOUR = 60 * MIN;

function clock(start = START) {
  let t = start;
  return {
    now: () => new Date(t),
    advance: (ms: number) => {
      t += ms;
    },
  };
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
  readonly headers: Headers;
}

interface CallOptions {
  readonly token?: string;
  readonly json?: unknown;
  readonly raw?: string;
  readonly form?: Record<string, string>;
  readonly headers?: Record<string, string>;
}

async function call(
  emu: RunningEmulator,
  method: string,
  path: string,
  o: CallOptions = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  let body: string | undefined;
  if (o.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(o.json);
  } else if (o.raw !== undefined) {
    headers["content-type"] = "application/json";
    body = o.raw;
  } else if (o.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(o.form).toString();
  }
  const response = await fetch(`${emu.url}${path}`, { method, headers, ...(body !== undefined && { body }) });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed, text, headers: response.headers };
}

const creds = (emu: RunningEmulator) => ({
  grant_type: "client_credentials",
  client_id: emu.env.MONEYKIT_CLIENT_ID ?? "",
  client_secret: emu.env.MONEYKIT_CLIENT_SECRET ?? "",
});

async function tokenFor(emu: RunningEmulator): Promise<string> {
  const r = await call(emu, "POST", "/auth/token", { form: creds(emu) });
  assert.equal(r.status, 201, r.text);
  return (r.body as { access_token: string }).access_token;
}

const emulators: RunningEmulator[] = [];
after(() => Promise.all(emulators.map((e) => e.close())));
async function start(options: MoneyKitEmulatorOptions = {}) {
  const emu = await startMoneyKitEmulator(options);
  emulators.push(emu);
  return { emu, token: await tokenFor(emu), linkId: emu.env.MONEYKIT_LINK_ID ?? "" };
}

function assertError(r: Answer, status: number, code: string, message?: RegExp): void {
  assert.equal(r.status, status, r.text);
  const body = r.body as Record<string, unknown>;
  assert.deepEqual(Object.keys(body), ["error_code", "error_message", "documentation_url"], r.text);
  assert.equal(body.error_code, code);
  assert.equal(typeof body.error_message, "string");
  assert.match(String(body.documentation_url), /^https:\/\/docs\.moneykit\.com\//);
  if (message) assert.match(String(body.error_message), message);
}

const LINK_FIELDS = [
  "link_id",
  "institution_id",
  "institution_name",
  "state",
  "last_synced_at",
  "provider",
  "link_tags",
  "products",
  "available_products",
];

describe("moneykit emulator: start, env, the ready sandbox link", () => {
  it("binds loopback and gives env that points whtool at it, with a ready sandbox link", async () => {
    const { emu, token, linkId } = await start();
    assert.equal(emu.provider, "moneykit");
    assert.match(emu.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(Object.keys(emu.env).sort(), [
      "MONEYKIT_API_URL",
      "MONEYKIT_CLIENT_ID",
      "MONEYKIT_CLIENT_SECRET",
      "MONEYKIT_LINK_ID",
    ]);
    assert.equal(emu.env.MONEYKIT_API_URL, emu.url);
    assert.match(linkId, /^mk_[0-9A-Za-z]{22}$/);
    const r = await call(emu, "GET", `/links/${linkId}`, { token });
    assert.equal(r.status, 200);
    const link = r.body as Record<string, unknown>;
    assert.deepEqual(Object.keys(link), LINK_FIELDS);
    assert.equal(link.link_id, linkId);
    assert.equal(link.state, "connected");
    assert.deepEqual(link.available_products, ["accounts", "account_numbers", "identity", "transactions"]);
    assert.deepEqual(Object.keys(link.products as object), ["accounts", "transactions"]);
    assert.ok(emu.requests.some((q) => q.path === `/links/${linkId}` && q.status === 200));
  });

  it("close() is idempotent and the port stops answering", async () => {
    const emu = await startMoneyKitEmulator();
    await Promise.all([emu.close(), emu.close()]);
    await emu.close();
    await assert.rejects(fetch(`${emu.url}/.well-known/jwks.json`));
  });

  it("answers unknown paths 404 and wrong methods 405 in MoneyKit's error shape", async () => {
    const { emu, token, linkId } = await start();
    assertError(await call(emu, "GET", "/nope", { token }), 404, "api_error.request.not_found");
    assertError(await call(emu, "GET", "/auth/token"), 405, "api_error.request.method_not_allowed");
    assertError(
      await call(emu, "PUT", `/links/${linkId}`, { token }),
      405,
      "api_error.request.method_not_allowed",
    );
    assertError(
      await call(emu, "GET", `/links/${linkId}/products`, { token }),
      405,
      "api_error.request.method_not_allowed",
    );
  });
});

describe("moneykit emulator: POST /auth/token", () => {
  it("issues a bearer token for form credentials: 201 with exactly the documented fields", async () => {
    const { emu } = await start();
    const r = await call(emu, "POST", "/auth/token", { form: { ...creds(emu), scope: "links:read" } });
    assert.equal(r.status, 201);
    const body = r.body as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ["access_token", "token_type", "expires_in"]);
    assert.equal(body.token_type, "bearer");
    assert.equal(body.expires_in, 3600);
    assert.equal((await call(emu, "GET", "/links/mk_x", { token: String(body.access_token) })).status, 404);
  });

  it("accepts the client id and secret as HTTP Basic", async () => {
    const { emu } = await start();
    const basic = Buffer.from(`${emu.env.MONEYKIT_CLIENT_ID}:${emu.env.MONEYKIT_CLIENT_SECRET}`).toString(
      "base64",
    );
    const r = await call(emu, "POST", "/auth/token", {
      form: { grant_type: "client_credentials" },
      headers: { authorization: `Basic ${basic}` },
    });
    assert.equal(r.status, 201, r.text);
  });

  it("rejects bad or missing credentials with 401 api_error.auth.unauthorized", async () => {
    const { emu } = await start();
    const good = creds(emu);
    for (const form of [
      { ...good, client_secret: `${good.client_secret}x` },
      { ...good, client_id: "someone-else" },
      { ...good, client_secret: "" },
      { grant_type: "client_credentials" },
    ]) {
      assertError(await call(emu, "POST", "/auth/token", { form }), 401, "api_error.auth.unauthorized");
    }
    const wrongBasic = Buffer.from(`${good.client_id}:nope`).toString("base64");
    assertError(
      await call(emu, "POST", "/auth/token", {
        form: { grant_type: "client_credentials" },
        headers: { authorization: `Basic ${wrongBasic}` },
      }),
      401,
      "api_error.auth.unauthorized",
    );
  });

  it("answers 422 for a missing or wrong grant_type and for a JSON body", async () => {
    const { emu } = await start();
    const { grant_type: _, ...noGrant } = creds(emu);
    assertError(
      await call(emu, "POST", "/auth/token", { form: noGrant }),
      422,
      "api_error.request.validation_failed",
    );
    assertError(
      await call(emu, "POST", "/auth/token", { form: { ...creds(emu), grant_type: "password" } }),
      422,
      "api_error.request.validation_failed",
    );
    assertError(
      await call(emu, "POST", "/auth/token", { json: creds(emu) }),
      422,
      "api_error.request.validation_failed",
    );
  });
});

describe("moneykit emulator: bearer tokens", () => {
  it("refuses a missing or unknown token with 401 unauthorized", async () => {
    const { emu, linkId } = await start();
    assertError(await call(emu, "GET", `/links/${linkId}`), 401, "api_error.auth.unauthorized");
    assertError(
      await call(emu, "GET", `/links/${linkId}`, { token: "mk_at_forged" }),
      401,
      "api_error.auth.unauthorized",
    );
    const r = await call(emu, "GET", `/links/${linkId}`, {
      headers: { authorization: "Basic Zm9vOmJhcg==" },
    });
    assertError(r, 401, "api_error.auth.unauthorized");
    assert.equal(r.headers.get("www-authenticate"), "Bearer");
  });

  it("expires a token after 3600 s on the emulator clock: 401 api_error.auth.expired_access_token", async () => {
    const c = clock();
    const { emu, token, linkId } = await start({ now: c.now });
    c.advance(3599_000);
    assert.equal((await call(emu, "GET", `/links/${linkId}`, { token })).status, 200);
    c.advance(1000);
    assertError(
      await call(emu, "GET", `/links/${linkId}`, { token }),
      401,
      "api_error.auth.expired_access_token",
    );
    const fresh = await tokenFor(emu);
    assert.equal((await call(emu, "GET", `/links/${linkId}`, { token: fresh })).status, 200);
  });

  it("POST /_emulator/expire-tokens expires every issued token now", async () => {
    const { emu, token, linkId } = await start();
    const r = await call(emu, "POST", "/_emulator/expire-tokens");
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { expired: 1 });
    assertError(
      await call(emu, "GET", `/links/${linkId}`, { token }),
      401,
      "api_error.auth.expired_access_token",
    );
  });
});

describe("moneykit emulator: link sessions and the token exchange", () => {
  it("creates a session, completes it as Connect would, exchanges the token once for a connected link", async () => {
    const { emu, token } = await start();
    const session = await call(emu, "POST", "/link-session", {
      token,
      json: {
        customer_user: { id: "user_8f2a" },
        redirect_uri: "https://app.example.com/oauth.html",
        webhook: "https://app.example.com/webhooks/moneykit",
        link_tags: ["checking"],
        settings: { products: { transactions: { required: true }, identity: { required: false } } },
      },
    });
    assert.equal(session.status, 201, session.text);
    const sessionToken = (session.body as { link_session_token: string }).link_session_token;
    assert.deepEqual(Object.keys(session.body as object), ["link_session_token"]);

    const done = await call(emu, "POST", "/_emulator/link-session/complete", {
      json: { link_session_token: sessionToken },
    });
    assert.equal(done.status, 201, done.text);
    const exchangeable = (done.body as { exchangeable_token: string }).exchangeable_token;
    assert.match(exchangeable, /^[0-9a-f-]{36}$/);
    assertError(
      await call(emu, "POST", "/_emulator/link-session/complete", {
        json: { link_session_token: sessionToken },
      }),
      404,
      "link_error.not_found",
    );

    const exchanged = await call(emu, "POST", "/link-session/exchange-token", {
      token,
      json: { exchangeable_token: exchangeable },
    });
    assert.equal(exchanged.status, 201, exchanged.text);
    const { link_id, link } = exchanged.body as { link_id: string; link: Record<string, unknown> };
    assert.match(link_id, /^mk_[0-9A-Za-z]{22}$/);
    assert.equal(link.link_id, link_id);
    assert.equal(link.state, "connected");
    assert.equal(link.webhook, "https://app.example.com/webhooks/moneykit");
    assert.deepEqual(link.link_tags, ["checking"]);
    assert.deepEqual(Object.keys(link.products as object), ["transactions", "identity"]);

    assertError(
      await call(emu, "POST", "/link-session/exchange-token", {
        token,
        json: { exchangeable_token: exchangeable },
      }),
      404,
      "link_error.not_found",
    );
  });

  it("validates link-session bodies (422) and an unknown existing_link_id (404)", async () => {
    const { emu, token } = await start();
    const bad = [
      { raw: "{not json" },
      { json: [] },
      { json: {} },
      { json: { customer_user: { id: "" } } },
      { json: { customer_user: { id: "u1" }, webhook: "ftp://x" } },
      { json: { customer_user: { id: "u1" }, link_tags: "a" } },
      { json: { customer_user: { id: "u1" }, settings: { products: { savings: {} } } } },
    ];
    for (const o of bad)
      assertError(
        await call(emu, "POST", "/link-session", { token, ...o }),
        422,
        "api_error.request.validation_failed",
      );
    assertError(
      await call(emu, "POST", "/link-session", {
        token,
        json: { customer_user: { id: "u1" }, existing_link_id: "mk_gone" },
      }),
      404,
      "link_error.not_found",
    );
    assertError(
      await call(emu, "POST", "/link-session/exchange-token", { token, json: {} }),
      422,
      "api_error.request.validation_failed",
    );
    assertError(
      await call(emu, "POST", "/link-session", { json: { customer_user: { id: "u1" } } }),
      401,
      "api_error.auth.unauthorized",
    );
  });
});

describe("moneykit emulator: links", () => {
  it("GET an unknown link → 404 link_error.not_found", async () => {
    const { emu, token } = await start();
    assertError(await call(emu, "GET", "/links/mk_unknown", { token }), 404, "link_error.not_found");
  });

  it("PATCH sets the webhook, null removes it, an absent field leaves it; bad bodies are 422", async () => {
    const { emu, token, linkId } = await start();
    const set = await call(emu, "PATCH", `/links/${linkId}`, {
      token,
      json: { webhook: "https://h.example/wh" },
    });
    assert.equal(set.status, 200);
    assert.equal((set.body as { webhook?: string }).webhook, "https://h.example/wh");
    const same = await call(emu, "PATCH", `/links/${linkId}`, { token, json: {} });
    assert.equal((same.body as { webhook?: string }).webhook, "https://h.example/wh");
    const removed = await call(emu, "PATCH", `/links/${linkId}`, { token, json: { webhook: null } });
    assert.equal(removed.status, 200);
    assert.equal("webhook" in (removed.body as object), false);
    for (const o of [{ json: { webhook: "not a url" } }, { json: { webhook: 5 } }, { raw: "{" }])
      assertError(
        await call(emu, "PATCH", `/links/${linkId}`, { token, ...o }),
        422,
        "api_error.request.validation_failed",
      );
    assertError(
      await call(emu, "PATCH", "/links/mk_unknown", { token, json: { webhook: null } }),
      404,
      "link_error.not_found",
    );
  });

  it("DELETE answers 204 with no body; every later call on the link is 410 link_error.deleted", async () => {
    const { emu, token, linkId } = await start();
    const r = await call(emu, "DELETE", `/links/${linkId}`, { token });
    assert.equal(r.status, 204);
    assert.equal(r.text, "");
    for (const [method, path, json] of [
      ["GET", `/links/${linkId}`, undefined],
      ["PATCH", `/links/${linkId}`, { webhook: null }],
      ["DELETE", `/links/${linkId}`, undefined],
      ["POST", `/links/${linkId}/products`, { products: ["accounts"] }],
      ["POST", `/webhooks/test/link/${linkId}`, { webhook_event: "link.state_changed" }],
    ] as const) {
      assertError(await call(emu, method, path, { token, json }), 410, "link_error.deleted", /Link deleted/);
    }
    assertError(await call(emu, "DELETE", "/links/mk_unknown", { token }), 404, "link_error.not_found");
  });

  it("deleteStatus: 200 is configurable (the status is not documented)", async () => {
    const { emu, token, linkId } = await start({ deleteStatus: 200 });
    const r = await call(emu, "DELETE", `/links/${linkId}`, { token });
    assert.equal(r.status, 200);
    assert.equal(r.text, "");
  });
});

describe("moneykit emulator: POST /links/{id}/products", () => {
  it("answers 202 with the Link, the refresh attempted", async () => {
    const c = clock();
    const { emu, token, linkId } = await start({ now: c.now });
    c.advance(5 * MIN);
    const r = await call(emu, "POST", `/links/${linkId}/products`, {
      token,
      json: { products: ["identity"] },
    });
    assert.equal(r.status, 202, r.text);
    const link = r.body as { link_id: string; products: Record<string, Record<string, string>> };
    assert.equal(link.link_id, linkId);
    assert.equal(link.products.identity?.last_attempted_at, new Date(START + 5 * MIN).toISOString());
    const after = await call(emu, "GET", `/links/${linkId}`, { token });
    const products = (after.body as typeof link).products;
    assert.equal(products.identity?.refreshed_at, new Date(START + 5 * MIN).toISOString());
    assert.equal(
      (after.body as { last_synced_at: string }).last_synced_at,
      new Date(START + 5 * MIN).toISOString(),
    );
  });

  it("rate-limits per product on the emulator clock: 429 naming the product, allowed again after the window", async () => {
    const c = clock();
    const { emu, linkId } = await start({ now: c.now });
    let token = await tokenFor(emu);
    const refresh = (products: string[]) =>
      call(emu, "POST", `/links/${linkId}/products`, { token, json: { products } });
    assert.equal((await refresh(["accounts", "transactions", "account_numbers", "identity"])).status, 202);
    for (const product of ["accounts", "transactions", "account_numbers", "identity"]) {
      const r = await refresh([product]);
      assertError(r, 429, "api_error.rate_limit_exceeded", new RegExp(`product ${product}:`));
    }
    const limited = await refresh(["accounts"]);
    assert.match(String((limited.body as { error_message: string }).error_message), /1 refresh per hour/);
    assert.equal(limited.headers.get("retry-after"), "3600");

    c.advance(HOUR - 1000);
    assertError(await refresh(["transactions"]), 429, "api_error.rate_limit_exceeded", /transactions/);
    c.advance(1000);
    token = await tokenFor(emu); // the hour also ended the access token
    assert.equal((await refresh(["accounts"])).status, 202);
    assert.equal((await refresh(["transactions"])).status, 202);
    const daily = await refresh(["identity"]);
    assertError(daily, 429, "api_error.rate_limit_exceeded", /product identity: 1 refresh per day/);
    assertError(await refresh(["account_numbers"]), 429, "api_error.rate_limit_exceeded", /account_numbers/);
    c.advance(23 * HOUR);
    token = await tokenFor(emu);
    assert.equal((await refresh(["identity", "account_numbers"])).status, 202);
  });

  it("refreshes nothing when any requested product is limited", async () => {
    const c = clock();
    const { emu, token, linkId } = await start({ now: c.now });
    const refresh = (products: string[]) =>
      call(emu, "POST", `/links/${linkId}/products`, { token, json: { products } });
    assert.equal((await refresh(["identity"])).status, 202);
    assertError(await refresh(["accounts", "identity"]), 429, "api_error.rate_limit_exceeded", /identity/);
    assert.equal((await refresh(["accounts"])).status, 202);
  });

  it("validates the product list (422), the link (404) and the token (401)", async () => {
    const { emu, token, linkId } = await start();
    for (const json of [{}, { products: [] }, { products: "accounts" }, { products: ["savings"] }])
      assertError(
        await call(emu, "POST", `/links/${linkId}/products`, { token, json }),
        422,
        "api_error.request.validation_failed",
      );
    assertError(
      await call(emu, "POST", "/links/mk_unknown/products", { token, json: { products: ["accounts"] } }),
      404,
      "link_error.not_found",
    );
    assertError(
      await call(emu, "POST", `/links/${linkId}/products`, { json: { products: ["accounts"] } }),
      401,
      "api_error.auth.unauthorized",
    );
  });

  it("refuses a link still awaiting its token exchange: link_error.bad_state", async () => {
    const { emu, token } = await start();
    // A relink (existing_link_id) completed in Connect leaves the link awaiting the token exchange.
    const links = await call(emu, "POST", "/_emulator/links", { json: {} });
    const linkId = (links.body as { link_id: string }).link_id;
    const relink = await call(emu, "POST", "/link-session", {
      token,
      json: { customer_user: { id: "u1" }, existing_link_id: linkId },
    });
    const relinkToken = (relink.body as { link_session_token: string }).link_session_token;
    await call(emu, "POST", "/_emulator/link-session/complete", {
      json: { link_session_token: relinkToken },
    });
    assertError(
      await call(emu, "POST", `/links/${linkId}/products`, { token, json: { products: ["accounts"] } }),
      400,
      "link_error.bad_state",
    );
    const awaiting = await call(emu, "GET", `/links/${linkId}`, { token });
    assert.equal((awaiting.body as { state: string }).state, "awaiting_token_exchange");
  });
});

describe("moneykit emulator: POST /webhooks/test/link/{id} error paths", () => {
  it("400 link_error.bad_config when the link has no webhook", async () => {
    const { emu, token, linkId } = await start();
    assertError(
      await call(emu, "POST", `/webhooks/test/link/${linkId}`, {
        token,
        json: { webhook_event: "link.state_changed" },
      }),
      400,
      "link_error.bad_config",
    );
  });

  it("403 link_error.forbidden_action for a non-sandbox link (made with POST /_emulator/links)", async () => {
    const { emu, token } = await start();
    const made = await call(emu, "POST", "/_emulator/links", {
      json: { sandbox: false, webhook: "https://h.example/wh", link_tags: ["prod"] },
    });
    assert.equal(made.status, 201, made.text);
    const link = made.body as { link_id: string; institution_id: string; link_tags: string[] };
    assert.notEqual(link.institution_id, "moneykit_sandbox");
    assert.deepEqual(link.link_tags, ["prod"]);
    assertError(
      await call(emu, "POST", `/webhooks/test/link/${link.link_id}`, {
        token,
        json: { webhook_event: "link.state_changed", webhook_idempotency_key: "k1" },
      }),
      403,
      "link_error.forbidden_action",
    );
    // A production link can still be refreshed for real.
    const refreshed = await call(emu, "POST", `/links/${link.link_id}/products`, {
      token,
      json: { products: ["accounts"] },
    });
    assert.equal(refreshed.status, 202);
  });

  it("404 for an unknown link, 422 for an unknown event or a bad body, 401 without a token", async () => {
    const { emu, token, linkId } = await start();
    assertError(
      await call(emu, "POST", "/webhooks/test/link/mk_unknown", {
        token,
        json: { webhook_event: "link.state_changed" },
      }),
      404,
      "link_error.not_found",
    );
    for (const o of [
      { json: { webhook_event: "link.deleted" } },
      { json: { webhook_event: 7 } },
      { json: {} },
      { json: { webhook_event: "link.state_changed", webhook_idempotency_key: 12 } },
      { raw: "webhook_event=link.state_changed" },
    ])
      assertError(
        await call(emu, "POST", `/webhooks/test/link/${linkId}`, { token, ...o }),
        422,
        "api_error.request.validation_failed",
      );
    assertError(
      await call(emu, "POST", `/webhooks/test/link/${linkId}`, {
        json: { webhook_event: "link.state_changed" },
      }),
      401,
      "api_error.auth.unauthorized",
    );
  });

  it("testWebhookLimit (off by default) answers 429 once the count is used up in the window", async () => {
    const c = clock();
    const { emu, token, linkId } = await start({ now: c.now, testWebhookLimit: { count: 2, windowMs: MIN } });
    await call(emu, "PATCH", `/links/${linkId}`, { token, json: { webhook: "http://127.0.0.1:9/unused" } });
    const send = () =>
      call(emu, "POST", `/webhooks/test/link/${linkId}`, {
        token,
        json: { webhook_event: "link.state_changed" },
      });
    assert.equal((await send()).status, 200);
    assert.equal((await send()).status, 200);
    assertError(await send(), 429, "api_error.rate_limit_exceeded", /test webhooks/);
    c.advance(MIN);
    assert.equal((await send()).status, 200);
    emu.engine.close();
  });
});

describe("moneykit emulator: control endpoints", () => {
  it("validate their bodies in MoneyKit's error shape", async () => {
    const { emu } = await start();
    for (const [path, o] of [
      ["/_emulator/link-session/complete", { json: {} }],
      ["/_emulator/link-session/complete", { raw: "nope" }],
      ["/_emulator/links", { json: { sandbox: "no" } }],
      ["/_emulator/links", { json: { webhook: "mailto:x@y" } }],
      ["/_emulator/links", { json: { link_tags: [1] } }],
    ] as const)
      assertError(await call(emu, "POST", path, o), 422, "api_error.request.validation_failed");
    assertError(
      await call(emu, "POST", "/_emulator/link-session/complete", {
        json: { link_session_token: "unknown" },
      }),
      404,
      "link_error.not_found",
    );
    assertError(await call(emu, "GET", "/_emulator/links"), 405, "api_error.request.method_not_allowed");
    const made = await call(emu, "POST", "/_emulator/links");
    assert.equal(made.status, 201);
    assert.equal((made.body as { institution_id: string }).institution_id, "moneykit_sandbox");
  });
});

describe("moneykit emulator: JWKS and key rotation", () => {
  it("serves the JWKS without auth: EC P-256 ES256 signing keys", async () => {
    const { emu } = await start();
    const r = await call(emu, "GET", "/.well-known/jwks.json", {
      headers: { "x-client-id": emu.env.MONEYKIT_CLIENT_ID ?? "" },
    });
    assert.equal(r.status, 200);
    const { keys } = r.body as { keys: Record<string, unknown>[] };
    assert.equal(keys.length, 1);
    const [key] = keys;
    assert.deepEqual(Object.keys(key ?? {}).sort(), ["alg", "crv", "kid", "kty", "use", "x", "y"]);
    assert.equal(key?.kty, "EC");
    assert.equal(key?.crv, "P-256");
    assert.equal(key?.alg, "ES256");
    assert.equal(key?.use, "sig");
    assert.equal("d" in (key ?? {}), false);
  });

  it("rotate-keys publishes the new key and keeps only the previous one", async () => {
    const { emu } = await start();
    const kids = async () =>
      ((await call(emu, "GET", "/.well-known/jwks.json")).body as { keys: { kid: string }[] }).keys.map(
        (k) => k.kid,
      );
    const [first] = await kids();
    const r1 = await call(emu, "POST", "/_emulator/rotate-keys");
    assert.equal(r1.status, 200);
    const one = r1.body as { kid: string; previous_kid: string; dropped_kid: string | null };
    assert.equal(one.previous_kid, first);
    assert.equal(one.dropped_kid, null);
    assert.deepEqual(await kids(), [one.kid, first]);
    const two = (await call(emu, "POST", "/_emulator/rotate-keys")).body as typeof one;
    assert.equal(two.previous_kid, one.kid);
    assert.equal(two.dropped_kid, first);
    assert.deepEqual(await kids(), [two.kid, one.kid]);
    assertError(
      await call(emu, "GET", "/_emulator/rotate-keys"),
      405,
      "api_error.request.method_not_allowed",
    );
  });
});
