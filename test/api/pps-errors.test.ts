import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { EXIT } from "../../src/errors.js";
import { ppsApi } from "../../src/providers/pps/api.js";
import { context, emulator, failure, receiver, shown } from "./pps-setup.js";

describe("pps api: configuration", () => {
  it("trigger without PPS_TEST_URL or PPS_API_TOKEN exits 3 naming what is missing and who gives it", async () => {
    const both = await failure(() =>
      ppsApi.trigger({ name: "test", to: "https://example.com/h" }, context({})),
    );
    assert.equal(both.exitCode, EXIT.config);
    assert.match(both.message, /needs PPS_TEST_URL and PPS_API_TOKEN/);
    assert.match(both.hint ?? "", /account representative gives you/);
    const emu = await emulator();
    const token = await failure(() =>
      ppsApi.trigger(
        { name: "test", to: "https://example.com/h" },
        context({ ...emu.env, PPS_API_TOKEN: undefined }),
      ),
    );
    assert.equal(token.exitCode, EXIT.config);
    assert.match(token.message, /needs PPS_API_TOKEN$/);
    assert.equal(emu.requests.length, 0);
  });

  it("a PPS_TEST_URL that is not a URL exits 3", async () => {
    const error = await failure(() =>
      ppsApi.trigger(
        { name: "test", to: "https://example.com/h" },
        context({ PPS_TEST_URL: "webhooks/test", PPS_API_TOKEN: "pps_x" }),
      ),
    );
    assert.equal(error.exitCode, EXIT.config);
    assert.match(error.message, /PPS_TEST_URL is not an http\(s\) URL/);
  });

  it("a wrong API token exits 4 with PointServices' message and a next step, never echoing the token", async () => {
    const emu = await emulator();
    const rx = await receiver();
    const wrong = `pps_${randomBytes(24).toString("base64url")}`;
    const error = await failure(() =>
      ppsApi.trigger({ name: "test", to: rx.url }, context({ ...emu.env, PPS_API_TOKEN: wrong })),
    );
    assert.equal(error.exitCode, EXIT.network);
    assert.match(error.message, /PointServices test webhook failed: HTTP 401: The token is not valid\./);
    assert.match(error.hint ?? "", /PPS_API_TOKEN was refused/);
    assert.ok(!shown(error).includes(wrong));
    assert.equal(rx.received.length, 0);
  });

  it("an expired API token (emulator expire-tokens) exits 4: PPS tokens come from the representative, nothing to renew", async () => {
    const emu = await emulator();
    const rx = await receiver();
    await fetch(`${emu.url}/_emulator/expire-tokens`, { method: "POST" });
    const error = await failure(() => ppsApi.trigger({ name: "test", to: rx.url }, context(emu.env)));
    assert.equal(error.exitCode, EXIT.network);
    assert.match(error.message, /HTTP 401: The token has expired\./);
    assert.match(error.hint ?? "", /ask your account representative for a current one/);
    assert.ok(!shown(error).includes(emu.env.PPS_API_TOKEN ?? "-"));
  });

  it("a PPS_TEST_URL that is not the test endpoint: exit 4 saying so", async () => {
    const emu = await emulator();
    const error = await failure(() =>
      ppsApi.trigger(
        { name: "test", to: "https://example.com/h" },
        context({ ...emu.env, PPS_TEST_URL: `${emu.url}/webhooks/tests` }),
      ),
    );
    assert.equal(error.exitCode, EXIT.network);
    assert.match(error.message, /HTTP 404/);
    assert.match(error.hint ?? "", /PPS_TEST_URL is not the test-webhook endpoint/);
  });
});

describe("pps api: usage", () => {
  it("refuses a missing --url or --to, a malformed topic and unknown triggers (exit 2)", async () => {
    const emu = await emulator();
    const ctx = context(emu.env);
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => ppsApi.register({}, ctx), /needs --url/],
      [
        () => ppsApi.register({ url: "https://example.com/h", events: ["placed"] }, ctx),
        /is not a PointServices topic/,
      ],
      [
        () => ppsApi.register({ url: "https://example.com/h", events: ["orders/placed:"] }, ctx),
        /is not a sub-topic/,
      ],
      [() => ppsApi.trigger({ name: "test" }, ctx), /needs --to URL/],
      [
        () => ppsApi.trigger({ name: "ping", to: "https://example.com/h" }, ctx),
        /unknown PointServices trigger/,
      ],
    ];
    for (const [call, message] of cases) {
      const error = await failure(call);
      assert.equal(error.exitCode, EXIT.usage, error.message);
      assert.match(error.message, message);
    }
    assert.equal(emu.requests.length, 0);
  });
});
