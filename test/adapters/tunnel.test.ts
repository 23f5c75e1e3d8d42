import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type NgrokForward, type NgrokForwardOptions, openNgrokTunnel } from "../../src/adapters/tunnel.js";
import { WhtoolError } from "../../src/errors.js";

const ngrokError = (errorCode: string, message: string) => Object.assign(new Error(message), { errorCode });

function fake(
  outcome: (options: NgrokForwardOptions) => Promise<{ url(): string | null; close(): Promise<void> }>,
) {
  const calls: NgrokForwardOptions[] = [];
  let closed = 0;
  const forward: NgrokForward = async (options) => {
    calls.push(options);
    const listener = await outcome(options);
    return { url: () => listener.url(), close: async () => void closed++ };
  };
  return { forward, calls, closed: () => closed };
}

describe("ngrok tunnel", () => {
  it("passes addr, authtoken_from_env, the token and the domain to forward(), and closes once", async () => {
    const f = fake(async () => ({ url: () => "https://abc.ngrok-free.app", close: async () => undefined }));
    const tunnel = await openNgrokTunnel(
      { addr: "127.0.0.1:7777", authtoken: "tok", domain: "me.ngrok.app", timeoutMs: 1000 },
      f.forward,
    );
    assert.equal(tunnel.url, "https://abc.ngrok-free.app");
    assert.deepEqual(f.calls, [
      { addr: "127.0.0.1:7777", authtoken_from_env: true, authtoken: "tok", domain: "me.ngrok.app" },
    ]);
    await tunnel.close();
    await tunnel.close();
    assert.equal(f.closed(), 1);
  });

  for (const [code, message, expected] of [
    [
      "ERR_NGROK_4018",
      "authentication failed: Usage of ngrok requires a verified account and authtoken",
      /verified account/,
    ],
    [
      "ERR_NGROK_105",
      "authentication failed: The authtoken you specified does not look like a proper ngrok tunnel authtoken",
      /rejected the authtoken/,
    ],
    ["ERR_NGROK_326", "domain not reserved", /refused the domain me\.ngrok\.app/],
    ["", "failed to establish tcp connection", /could not reach ngrok/],
  ] as const) {
    it(`maps ${code || message} to exit 5 with a hint`, async () => {
      const f = fake(async () => {
        throw ngrokError(code, message);
      });
      const error = await openNgrokTunnel(
        { addr: "127.0.0.1:1", domain: "me.ngrok.app", timeoutMs: 1000 },
        f.forward,
      ).catch((e: unknown) => e);
      assert.ok(error instanceof WhtoolError);
      assert.equal(error.exitCode, 5);
      assert.match(error.message, expected);
      assert.ok(error.hint && error.hint.length > 10);
    });
  }

  it("times out a connect that never finishes (the SDK has no timeout) and closes it if it lands late", async () => {
    let release: () => void = () => undefined;
    const f = fake(
      () =>
        new Promise((resolve) => {
          release = () => resolve({ url: () => "https://late.ngrok.app", close: async () => undefined });
        }),
    );
    const error = await openNgrokTunnel({ addr: "127.0.0.1:1", timeoutMs: 50 }, f.forward).catch(
      (e: unknown) => e,
    );
    assert.ok(error instanceof WhtoolError);
    assert.equal(error.exitCode, 5);
    assert.match(error.message, /did not connect within/);
    release();
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(f.closed(), 1);
  });

  it("refuses a listener without a URL", async () => {
    const f = fake(async () => ({ url: () => null, close: async () => undefined }));
    await assert.rejects(
      openNgrokTunnel({ addr: "127.0.0.1:1", timeoutMs: 100 }, f.forward),
      /no public URL/,
    );
    assert.equal(f.closed(), 1);
  });
});
