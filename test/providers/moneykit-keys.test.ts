import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { type HeaderPair, headerValue } from "../../src/core/delivery.js";
import type { RunningEmulator } from "../../src/emulators/types.js";
import { startMoneyKitEmulator } from "../../src/providers/moneykit/emulator.js";
import { MONEYKIT_SIGNATURE_HEADER } from "../../src/providers/moneykit/info.js";
import { moneykitHeaders, signMoneyKit } from "../../src/providers/moneykit/sign.js";
import { generateSigningKey, jwksOf } from "../../src/providers/signing-key.js";
import { runCli } from "../helpers/cli.js";
import { serveJson } from "../helpers/http-server.js";
import { post, startListen } from "../helpers/listen.js";
import { startReceiver } from "../helpers/receiver.js";
import { tempDir } from "../helpers/tmp.js";
import { verifyByHand } from "../helpers/verify.js";

const FAST = 0.0001;
const closers: (() => Promise<void>)[] = [];
after(() => Promise.all(closers.map((close) => close())));

async function emulator(): Promise<RunningEmulator> {
  const emu = await startMoneyKitEmulator({ timeScale: FAST });
  closers.push(() => emu.close());
  return emu;
}
const rotate = (emu: RunningEmulator) => fetch(`${emu.url}/_emulator/rotate-keys`, { method: "POST" });
const kidOf = (headers: readonly HeaderPair[]) => {
  const token = headerValue(headers, MONEYKIT_SIGNATURE_HEADER) ?? "";
  const header = JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString()) as {
    kid: string;
  };
  return header.kid;
};

describe("moneykit key rotation right after a cached JWKS fetch", () => {
  it("through verify: a delivery signed by the new key is accepted (was unknown_key for 5 minutes)", async () => {
    const emu = await emulator();
    const env = { ...emu.env };
    const cwd = tempDir();
    const rx = await startReceiver();
    closers.push(rx.close);
    const registered = await runCli(["register", "--provider", "moneykit", "--url", rx.url], { env, cwd });
    assert.equal(registered.code, 0, registered.stderr);
    const trigger = () => runCli(["trigger", "--provider", "moneykit"], { env, cwd });

    assert.equal((await trigger()).code, 0);
    const [first] = await rx.waitFor(1);
    assert.ok(first);
    const cached = await verifyByHand("moneykit", first, { cwd, env }); // fetches the JWKS and caches it on disk
    assert.equal(cached.code, 0, cached.stdout);

    await rotate(emu);
    assert.equal((await trigger()).code, 0);
    const second = (await rx.waitFor(2))[1];
    assert.ok(second);
    assert.notEqual(kidOf(second.headers), kidOf(first.headers), "signed by the rotated key");
    const result = await verifyByHand("moneykit", second, { cwd, env });
    assert.equal(result.code, 0, result.stdout);
    assert.equal(result.lines[0]?.verified, true);
  });

  it("through listen: the delivery after the rotation is answered 200, not 401", async () => {
    const emu = await emulator();
    const env = { ...emu.env };
    const cwd = tempDir();
    const link = env.MONEYKIT_LINK_ID ?? "";
    const listen = await startListen(
      ["--provider", "moneykit", "--register", "--link", link, "--no-capture"],
      {
        env,
        cwd,
      },
    );
    const trigger = () => runCli(["trigger", "--provider", "moneykit", "--link", link], { env, cwd });
    assert.equal((await trigger()).code, 0);
    await emu.engine.waitFor(1);
    await rotate(emu);
    assert.equal((await trigger()).code, 0);
    await emu.engine.waitFor(2);
    const result = await listen.stop();
    const deliveries = result.lines.filter((l) => l.type === "delivery");
    assert.deepEqual(
      deliveries.map((d) => [d.verified, d.reason, d.status]),
      [
        [true, null, 200],
        [true, null, 200],
      ],
      JSON.stringify(deliveries.map((d) => d.checks)),
    );
  });
});

describe("--refresh-keys", async () => {
  // The same kid re-keyed: only a real refetch can tell (an unknown kid would refetch anyway).
  const before = await generateSigningKey("ES256", "mk-same-kid");
  const afterKey = await generateSigningKey("ES256", "mk-same-kid");
  const server = await serveJson({ "/jwks.json": jwksOf([before]) });
  closers.push(server.close);
  const jwksUrl = `${server.url}/jwks.json`;
  const fetches = () => server.requests.filter((r) => r.url === "/jwks.json").length;
  const body = Buffer.from('{"webhook_event":"link.state_changed","link_id":"mk_1"}');
  const signedBy = async (key: typeof before) => ({
    headers: moneykitHeaders(
      await signMoneyKit(body, key, { iat: Math.floor(Date.now() / 1000) }),
      "dt_1",
      1,
    ),
    body,
  });

  /** A cwd whose disk cache holds the old key, fetched just now. */
  async function warmCache() {
    server.set("/jwks.json", 200, jwksOf([before]));
    const cwd = tempDir();
    const warmed = await verifyByHand("moneykit", await signedBy(before), {
      cwd,
      args: ["--jwks-url", jwksUrl],
    });
    assert.equal(warmed.code, 0, warmed.stdout);
    server.set("/jwks.json", 200, jwksOf([afterKey]));
    return cwd;
  }

  it("verify refetches even when the disk cache is fresh", async () => {
    const cwd = await warmCache();
    const delivery = await signedBy(afterKey);
    const count = fetches();
    const stale = await verifyByHand("moneykit", delivery, { cwd, args: ["--jwks-url", jwksUrl] });
    assert.equal(stale.lines[0]?.reason, "signature_mismatch", "the fresh cache is used without the flag");
    assert.equal(fetches(), count);
    const refreshed = await verifyByHand("moneykit", delivery, {
      cwd,
      args: ["--jwks-url", jwksUrl, "--refresh-keys"],
    });
    assert.equal(refreshed.code, 0, refreshed.stdout);
    assert.equal(fetches(), count + 1);
  });

  it("listen refetches even when the disk cache is fresh", async () => {
    const cwd = await warmCache();
    const count = fetches();
    const listen = await startListen(
      ["--provider", "moneykit", "--jwks-url", jwksUrl, "--refresh-keys", "--no-capture"],
      { cwd },
    );
    const delivery = await signedBy(afterKey);
    const answer = await post(
      listen.url,
      delivery.headers.map(([name, value]) => [name, value]),
      delivery.body,
    );
    const result = await listen.stop();
    assert.equal(answer.status, 200, JSON.stringify(result.lines));
    assert.equal(fetches(), count + 1);
  });
});
