import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { EXIT } from "../../src/errors.js";
import { kopokopoApi } from "../../src/providers/kopokopo/api.js";
import { context, emulator, failure, receiver, shown, tokenRequests } from "./kopokopo-setup.js";

describe("kopokopo api: credentials", () => {
  it("missing credentials exit 3 naming the variables, before any request", async () => {
    const emu = await emulator();
    const none = await failure(() =>
      kopokopoApi.register({ url: "https://example.com/h" }, context({ KOPOKOPO_API_URL: emu.url })),
    );
    assert.equal(none.exitCode, EXIT.config);
    assert.match(none.message, /KOPOKOPO_CLIENT_ID, KOPOKOPO_CLIENT_SECRET/);
    const stk = await failure(() =>
      kopokopoApi.trigger(
        { name: "stk-push", to: "https://example.com/cb" },
        context({ ...emu.env, KOPOKOPO_CLIENT_SECRET: undefined }),
      ),
    );
    assert.equal(stk.exitCode, EXIT.config);
    assert.match(stk.message, /needs KOPOKOPO_CLIENT_SECRET$/);
    assert.equal(emu.requests.length, 0);
  });

  it("a till-scoped subscription without a till exits 3 naming --till and KOPOKOPO_TILL_NUMBER", async () => {
    const emu = await emulator();
    const error = await failure(() =>
      kopokopoApi.register(
        { url: "https://example.com/h" },
        context({ ...emu.env, KOPOKOPO_TILL_NUMBER: undefined }),
      ),
    );
    assert.equal(error.exitCode, EXIT.config);
    assert.match(error.message, /pass --till or set KOPOKOPO_TILL_NUMBER/);
  });

  it("wrong client credentials exit 4 with Kopo Kopo's error, never echoing the secret", async () => {
    const emu = await emulator();
    const wrong = randomBytes(32).toString("base64url");
    const error = await failure(() =>
      kopokopoApi.register(
        { url: "https://example.com/h" },
        context({ ...emu.env, KOPOKOPO_CLIENT_SECRET: wrong }),
      ),
    );
    assert.equal(error.exitCode, EXIT.network);
    assert.match(error.message, /Kopo Kopo token request failed: HTTP 401: invalid_client/);
    assert.match(error.hint ?? "", /check KOPOKOPO_CLIENT_ID and KOPOKOPO_CLIENT_SECRET/);
    assert.ok(!shown(error).includes(wrong));
    assert.ok(!shown(error).includes(emu.env.KOPOKOPO_CLIENT_SECRET ?? "-"));
    assert.equal(tokenRequests(emu), 1, "a 4xx is not retried");
  });
});

describe("kopokopo api: Kopo Kopo's errors", () => {
  it("a till that is not the company's: exit 4 with Kopo Kopo's message", async () => {
    const emu = await emulator({ tillNumbers: ["555111"] });
    const error = await failure(() =>
      kopokopoApi.register({ url: "https://example.com/h", till: "999999" }, context(emu.env)),
    );
    assert.equal(error.exitCode, EXIT.network);
    assert.match(error.message, /HTTP 400: Till number 999999 does not belong to this company/);
    assert.match(error.hint ?? "", /check --event, --scope, the till number and --url/);
  });

  it("--status for an unknown subscription: exit 4 with Kopo Kopo's message (v2 then v1 for a bare id)", async () => {
    const emu = await emulator();
    const error = await failure(() =>
      kopokopoApi.register({ status: "00000000-0000-4000-8000-000000000000" }, context(emu.env)),
    );
    assert.equal(error.exitCode, EXIT.network);
    assert.match(error.message, /HTTP 404: Webhook subscription not found/);
    assert.deepEqual(
      emu.requests.filter((r) => r.method === "GET").map((r) => r.path.split("/").slice(0, 3).join("/")),
      ["/api/v2", "/api/v1"],
    );
  });

  it("--status on another host is refused (exit 2): the token goes only to KOPOKOPO_API_URL", async () => {
    const emu = await emulator();
    const error = await failure(() =>
      kopokopoApi.register(
        { status: "https://evil.example/api/v2/webhook_subscriptions/1" },
        context(emu.env),
      ),
    );
    assert.equal(error.exitCode, EXIT.usage);
    assert.match(error.message, /sends the Kopo Kopo token only to KOPOKOPO_API_URL/);
    assert.equal(tokenRequests(emu), 0);
  });
});

describe("kopokopo api: usage", () => {
  it("refuses a missing --url, unknown events, a till scope for company events, bad amounts and triggers (exit 2)", async () => {
    const emu = await emulator();
    const rx = await receiver();
    const ctx = context(emu.env);
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => kopokopoApi.register({}, ctx), /needs --url/],
      [
        () => kopokopoApi.register({ url: rx.url, events: ["buygoods"] }, ctx),
        /unknown Kopo Kopo event type/,
      ],
      [
        () =>
          kopokopoApi.register(
            { url: rx.url, events: ["settlement_transfer_completed"], scope: "till" },
            ctx,
          ),
        /company event: it cannot be scoped to one till/,
      ],
      [() => kopokopoApi.register({ url: rx.url, scope: "shop" }, ctx), /--scope must be till or company/],
      [
        () => kopokopoApi.trigger({ name: "buygoods", amount: "-5" }, ctx),
        /--amount must be a positive number/,
      ],
      [() => kopokopoApi.trigger({ name: "stk-push" }, ctx), /needs --to URL/],
      [() => kopokopoApi.trigger({ name: "refund" }, ctx), /unknown Kopo Kopo trigger/],
    ];
    for (const [call, message] of cases) {
      const error = await failure(call);
      assert.equal(error.exitCode, EXIT.usage, error.message);
      assert.match(error.message, message);
    }
    assert.equal(emu.requests.length, 0, "usage errors send nothing");
  });
});
