import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, describe, it } from "node:test";
import { EXIT } from "../../src/errors.js";
import { brackenApi } from "../../src/providers/bracken/api.js";
import { context, emulator, failure, receiver, shown, tokenRequests } from "./bracken-setup.js";

describe("bracken api: credentials", () => {
  it("missing credentials exit 3 naming every missing variable, before any request", async () => {
    const emu = await emulator();
    const error = await failure(() =>
      brackenApi.register(
        { url: "https://example.com/h" },
        context({ BRACKEN_API_URL: emu.url, BRACKEN_IDENTITY_URL: emu.url }),
      ),
    );
    assert.equal(error.exitCode, EXIT.config);
    assert.match(error.message, /BRACKEN_CLIENT_ID, BRACKEN_CLIENT_SECRET, BRACKEN_DOMAIN_KEY/);
    const onlySecret = await failure(() =>
      brackenApi.trigger({ name: "user-create" }, context({ ...emu.env, BRACKEN_CLIENT_SECRET: undefined })),
    );
    assert.equal(onlySecret.exitCode, EXIT.config);
    assert.match(onlySecret.message, /needs BRACKEN_CLIENT_SECRET$/);
    assert.equal(emu.requests.length, 0);
  });

  it("a BRACKEN_DOMAIN_KEY that is not an integer exits 3", async () => {
    const emu = await emulator();
    const error = await failure(() =>
      brackenApi.register(
        { url: "https://example.com/h" },
        context({ ...emu.env, BRACKEN_DOMAIN_KEY: "acme" }),
      ),
    );
    assert.equal(error.exitCode, EXIT.config);
    assert.match(error.message, /BRACKEN_DOMAIN_KEY must be an integer/);
  });

  it("wrong client credentials exit 4 with Bracken's error and a next step, never echoing the secret", async () => {
    const emu = await emulator();
    const wrong = randomBytes(32).toString("base64url");
    const error = await failure(() =>
      brackenApi.register(
        { url: "https://example.com/h" },
        context({ ...emu.env, BRACKEN_CLIENT_SECRET: wrong }),
      ),
    );
    assert.equal(error.exitCode, EXIT.network);
    assert.match(error.message, /Bracken token request failed: HTTP 400: invalid_client/);
    assert.match(error.hint ?? "", /check BRACKEN_CLIENT_ID and BRACKEN_CLIENT_SECRET/);
    assert.ok(!shown(error).includes(wrong), "the wrong secret is not echoed");
    assert.ok(!shown(error).includes(emu.env.BRACKEN_CLIENT_SECRET ?? "-"), "nor the real one");
    assert.equal(tokenRequests(emu), 1, "a 4xx is not retried");
  });
});

describe("bracken api: Bracken's errors", () => {
  it("an identity server that echoes the client secret in its error: the secret is cut out (exit 4)", async () => {
    // A real loopback server that quotes what it was sent, as a misbehaving proxy or server might.
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk));
      req.on("end", () => {
        const secret = new URLSearchParams(body).get("client_secret") ?? "";
        res.writeHead(400, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: "invalid_client", error_description: `unknown secret ${secret}` }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const secret = randomBytes(32).toString("base64url");
    const error = await failure(() =>
      brackenApi.trigger(
        { name: "user-create" },
        context({
          BRACKEN_IDENTITY_URL: url,
          BRACKEN_API_URL: url,
          BRACKEN_CLIENT_ID: "id",
          BRACKEN_CLIENT_SECRET: secret,
          BRACKEN_DOMAIN_KEY: "1",
        }),
      ),
    );
    assert.equal(error.exitCode, EXIT.network);
    assert.match(error.message, /invalid_client: unknown secret \[redacted\]/);
    assert.ok(!shown(error).includes(secret));
  });

  it("another domain's key: 403 with Bracken's message, exit 4", async () => {
    const emu = await emulator({ domainKey: 1111 });
    const error = await failure(() =>
      brackenApi.register(
        { url: "https://example.com/h" },
        context({ ...emu.env, BRACKEN_DOMAIN_KEY: "2222" }),
      ),
    );
    assert.equal(error.exitCode, EXIT.network);
    assert.match(error.message, /HTTP 403: The client is not authorised for domain 2222/);
    assert.match(error.hint ?? "", /BRACKEN_DOMAIN_KEY/);
  });

  it("a delete path Bracken does not serve: exit 4 saying the endpoint is unpublished and how to set it", async () => {
    const emu = await emulator();
    const ctx = context({ ...emu.env, BRACKEN_DELETE_USER_PATH: "/api/users/{domainkey}/delete" });
    const error = await failure(() =>
      brackenApi.trigger({ name: "user-delete", username: "whtool-test-000000" }, ctx),
    );
    assert.equal(error.exitCode, EXIT.network);
    assert.match(error.message, /delete user failed: HTTP 404/);
    assert.match(error.hint ?? "", /does not publish it; ask Bracken and set BRACKEN_DELETE_USER_PATH/);
  });

  it("deleting an unknown user: exit 4 with Bracken's message", async () => {
    const emu = await emulator();
    const error = await failure(() =>
      brackenApi.trigger({ name: "user-delete", username: "nobody-here" }, context(emu.env)),
    );
    assert.equal(error.exitCode, EXIT.network);
    assert.match(error.message, /User 'nobody-here' was not found/);
  });
});

describe("bracken api: usage", () => {
  it("register needs --url, a known event; triggers need a known name and user-delete --username (exit 2)", async () => {
    const emu = await emulator();
    const rx = await receiver();
    const ctx = context(emu.env);
    const noUrl = await failure(() => brackenApi.register({}, ctx));
    assert.equal(noUrl.exitCode, EXIT.usage);
    assert.match(noUrl.message, /needs --url/);
    const badUrl = await failure(() => brackenApi.register({ url: "ftp://example.com" }, ctx));
    assert.equal(badUrl.exitCode, EXIT.usage);
    const badEvent = await failure(() => brackenApi.register({ url: rx.url, events: ["User_Created"] }, ctx));
    assert.equal(badEvent.exitCode, EXIT.usage);
    assert.match(badEvent.hint ?? "", /User_Create, User_Delete, Module_Start/);
    const unknown = await failure(() => brackenApi.trigger({ name: "ping" }, ctx));
    assert.equal(unknown.exitCode, EXIT.usage);
    assert.match(unknown.hint ?? "", /user-create/);
    const noUser = await failure(() => brackenApi.trigger({ name: "user-delete" }, ctx));
    assert.equal(noUser.exitCode, EXIT.usage);
    assert.match(noUser.message, /needs --username/);
    assert.equal(emu.requests.length, 0, "usage errors send nothing");
  });
});
