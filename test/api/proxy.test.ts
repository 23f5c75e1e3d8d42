// Provider API calls and key fetches go through HTTP_PROXY / HTTPS_PROXY, and NO_PROXY keeps them
// direct: checked against the emulators through a loopback proxy that counts what it forwards.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { RunningEmulator } from "../../src/emulators/types.js";
import { startBrackenEmulator } from "../../src/providers/bracken/emulator.js";
import { startDfnsEmulator } from "../../src/providers/dfns/emulator.js";
import { startMoneyKitEmulator } from "../../src/providers/moneykit/emulator.js";
import { runCli, spawnCli } from "../helpers/cli.js";
import { type CountingProxy, startCountingProxy } from "../helpers/proxy.js";
import { type Receiver, startReceiver } from "../helpers/receiver.js";
import { tempDir } from "../helpers/tmp.js";
import { verifyByHand } from "../helpers/verify.js";

const closers: (() => Promise<void>)[] = [];
after(() => Promise.all(closers.map((close) => close())));

async function setup<E extends RunningEmulator>(start: () => Promise<E>) {
  const [emu, proxy, rx] = await Promise.all([start(), startCountingProxy(), startReceiver()]);
  closers.push(() => emu.close(), proxy.close, rx.close);
  return { emu, proxy, rx: rx as Receiver, cwd: tempDir() };
}

const moneykit = () => setup(() => startMoneyKitEmulator({ timeScale: 0.0001 }));
const through = (proxy: CountingProxy, emu: RunningEmulator) =>
  proxy.seen.filter((line) => line.includes(` ${emu.url}/`));

describe("proxy: provider API calls", () => {
  it("register and trigger go through HTTP_PROXY (the proxy forwards every MoneyKit call)", async () => {
    const { emu, proxy, rx, cwd } = await moneykit();
    const env = { ...emu.env, HTTP_PROXY: proxy.url };
    const registered = await runCli(["register", "--provider", "moneykit", "--url", rx.url], { env, cwd });
    assert.equal(registered.code, 0, registered.stderr);
    const afterRegister = through(proxy, emu).length;
    assert.ok(afterRegister >= 2, `token and link calls proxied: ${proxy.seen.join(", ")}`);
    assert.ok(through(proxy, emu).some((line) => line.startsWith("POST ")));

    const triggered = await runCli(["trigger", "--provider", "moneykit"], { env, cwd });
    assert.equal(triggered.code, 0, triggered.stderr);
    assert.ok(through(proxy, emu).length > afterRegister, "the trigger call was proxied too");
    assert.equal(proxy.seen.length, through(proxy, emu).length, "nothing but the API went through");
    await rx.waitFor(1);
  });

  it("lower-case http_proxy counts too, and the OAuth token call of a client-credentials provider", async () => {
    const { emu, proxy, rx, cwd } = await setup(() => startBrackenEmulator());
    const env = { ...emu.env, http_proxy: proxy.url };
    const registered = await runCli(["register", "--provider", "bracken", "--url", rx.url], { env, cwd });
    assert.equal(registered.code, 0, registered.stderr);
    const seen = proxy.seen.join("\n");
    assert.match(seen, /^POST http:\/\/127\.0\.0\.1:\d+\/connect\/token$/m, seen);
    assert.ok(proxy.seen.length >= 2, seen);
  });

  it("NO_PROXY=127.0.0.1 keeps them direct: the proxy counts nothing, the calls still work", async () => {
    const { emu, proxy, rx, cwd } = await moneykit();
    const env = { ...emu.env, HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: "127.0.0.1" };
    const registered = await runCli(["register", "--provider", "moneykit", "--url", rx.url], { env, cwd });
    assert.equal(registered.code, 0, registered.stderr);
    const triggered = await runCli(["trigger", "--provider", "moneykit"], { env, cwd });
    assert.equal(triggered.code, 0, triggered.stderr);
    await rx.waitFor(1);
    assert.deepEqual(proxy.seen, []);
  });

  it("a proxy that is down is a network error (exit 4) naming the API, not a crash", async () => {
    const { emu, proxy, rx, cwd } = await moneykit();
    await proxy.close();
    const env = { ...emu.env, HTTP_PROXY: proxy.url };
    const registered = await runCli(["register", "--provider", "moneykit", "--url", rx.url], { env, cwd });
    assert.equal(registered.code, 4, registered.stderr);
    assert.match(registered.stderr, /MoneyKit API at http:\/\/127\.0\.0\.1:\d+/);
  });
});

/** Node routes http.request through the proxy variables itself under NODE_USE_ENV_PROXY=1 from 22.21 / 24.5. */
function nodeProxiesHttpModule(): boolean {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  return major > 24 || (major === 24 && minor >= 5) || (major === 22 && minor >= 21);
}

describe("proxy: Dfns, whose SDK sends with node-fetch (README: Behind a proxy)", () => {
  it(`register goes through the proxy only under NODE_USE_ENV_PROXY=1 on Node 22.21+/24.5+ (this is ${process.version})`, async () => {
    const { emu, proxy, rx, cwd } = await setup(() => startDfnsEmulator());
    const env = { ...emu.env, HTTP_PROXY: proxy.url, NODE_USE_ENV_PROXY: "1" };
    const registered = await spawnCli(["register", "--provider", "dfns", "--url", rx.url], { env, cwd });
    assert.equal(registered.code, 0, registered.stderr);
    if (nodeProxiesHttpModule()) {
      const seen = through(proxy, emu).join("\n");
      assert.match(seen, /^POST http:\/\/127\.0\.0\.1:\d+\/auth\/action\/init$/m, seen);
      assert.match(seen, /^POST http:\/\/127\.0\.0\.1:\d+\/webhooks$/m, seen);
    } else assert.deepEqual(proxy.seen, [], "Node 20 cannot send the SDK's calls through a proxy");
  });
});

describe("proxy: JWKS fetches for verify", () => {
  it("verify fetches MoneyKit's JWKS through HTTP_PROXY, and directly under NO_PROXY", async () => {
    const { emu, proxy, rx, cwd } = await moneykit();
    const direct = { ...emu.env, NO_PROXY: "127.0.0.1", HTTP_PROXY: proxy.url };
    assert.equal(
      (await runCli(["register", "--provider", "moneykit", "--url", rx.url], { env: direct, cwd })).code,
      0,
    );
    assert.equal((await runCli(["trigger", "--provider", "moneykit"], { env: direct, cwd })).code, 0);
    const [delivery] = await rx.waitFor(1);
    assert.ok(delivery);

    const skipped = await verifyByHand("moneykit", delivery, { cwd: tempDir(), env: direct });
    assert.equal(skipped.lines[0]?.verified, true, skipped.stdout);
    assert.deepEqual(proxy.seen, [], "NO_PROXY: the JWKS came directly");

    const proxied = await verifyByHand("moneykit", delivery, {
      cwd: tempDir(),
      env: { ...emu.env, HTTP_PROXY: proxy.url },
    });
    assert.equal(proxied.lines[0]?.verified, true, proxied.stdout);
    assert.deepEqual(proxy.seen, [`GET ${emu.url}/.well-known/jwks.json`]);
  });
});
