import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, it } from "node:test";
import { proxiedFetch, proxyDispatcher, proxySettings } from "../../src/adapters/proxy.js";
import { WhtoolError } from "../../src/errors.js";
import { HMAC_CAPTURES, HMAC_ENV } from "../helpers/captures.js";
import { BIN } from "../helpers/cli.js";
import { serveJson } from "../helpers/http-server.js";
import { startCountingProxy } from "../helpers/proxy.js";
import { traced } from "../helpers/trace.js";

describe("proxy settings", () => {
  it("are absent when neither HTTPS_PROXY nor HTTP_PROXY is set (or both are empty)", () => {
    assert.equal(proxySettings({}), undefined);
    assert.equal(proxySettings({ NO_PROXY: "*" }), undefined);
    assert.equal(proxySettings({ HTTP_PROXY: "", https_proxy: " " }), undefined);
    assert.equal(proxyDispatcher({ NO_PROXY: "localhost" }), undefined);
  });

  it("read either case, lower case first (as curl and undici), and NO_PROXY with them", () => {
    assert.deepEqual(
      proxySettings({
        HTTP_PROXY: "http://upper:1",
        http_proxy: "http://lower:2",
        HTTPS_PROXY: "http://secure:3",
        no_proxy: "localhost,127.0.0.1",
      }),
      { httpProxy: "http://lower:2", httpsProxy: "http://secure:3", noProxy: "localhost,127.0.0.1" },
    );
  });

  it("take a value without a scheme as http:// (as curl does)", () => {
    assert.equal(
      proxySettings({ HTTPS_PROXY: "proxy.corp.example:3128" })?.httpsProxy,
      "http://proxy.corp.example:3128",
    );
  });

  it("refuse a SOCKS or unparsable proxy as a config error (exit 3) that does not echo its password", () => {
    for (const value of ["socks5://user:s3cret@proxy.example:1080", "http://"]) {
      assert.throws(
        () => proxySettings({ HTTPS_PROXY: value }),
        (error) =>
          error instanceof WhtoolError &&
          error.exitCode === 3 &&
          /^HTTPS_PROXY is not an http\(s\) proxy URL/.test(error.message) &&
          !`${error.message} ${error.hint}`.includes("s3cret"),
      );
    }
  });

  it("make one agent per setting for the whole process", async () => {
    const env = { HTTPS_PROXY: "http://127.0.0.1:9" };
    const first = await proxyDispatcher(env);
    assert.ok(first);
    assert.equal(await proxyDispatcher({ ...env }), first);
    assert.notEqual(await proxyDispatcher({ HTTPS_PROXY: "http://127.0.0.1:10" }), first);
  });
});

describe("proxiedFetch", () => {
  it("is the injected fetch itself when no proxy is set", () => {
    const injected = (async () => new Response("{}")) as typeof fetch;
    assert.equal(proxiedFetch({}, injected), injected);
  });

  it("sends through the proxy when one is set (the injected fetch is not used), and honours NO_PROXY", async (t) => {
    const proxy = await startCountingProxy();
    const server = await serveJson({ "/jwks.json": { keys: [] } });
    t.after(() => Promise.all([proxy.close(), server.close()]));
    const injected = (async () => {
      throw new Error("the injected fetch bypasses the proxy");
    }) as typeof fetch;
    const viaProxy = proxiedFetch({ HTTP_PROXY: proxy.url }, injected);
    const answer = await viaProxy(`${server.url}/jwks.json`, { headers: { accept: "application/json" } });
    assert.deepEqual(await answer.json(), { keys: [] });
    assert.deepEqual(proxy.seen, [`GET ${server.url}/jwks.json`]);

    const direct = proxiedFetch({ HTTP_PROXY: proxy.url, NO_PROXY: "127.0.0.1" }, injected);
    assert.deepEqual(await (await direct(`${server.url}/jwks.json`)).json(), { keys: [] });
    assert.equal(proxy.seen.length, 1, "NO_PROXY: not through the proxy");
    assert.equal(server.requests.length, 2, "both reached the server");
  });
});

describe("proxy agent", () => {
  it("regression: building it printed undici's 'EnvHttpProxyAgent is experimental' on stderr", async () => {
    const proxy = new URL("../../src/adapters/proxy.js", import.meta.url).href;
    const script = `const { proxyDispatcher } = await import(${JSON.stringify(proxy)});
      await proxyDispatcher({ HTTPS_PROXY: "http://127.0.0.1:9" });
      process.emitWarning("other warnings still show", { code: "WHTOOL-TEST" });`;
    const stderr = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
        env: { PATH: process.env.PATH ?? "" },
      });
      let err = "";
      child.stderr.on("data", (d: Buffer) => (err += d));
      child.on("error", reject);
      child.on("close", () => resolve(err));
    });
    assert.doesNotMatch(stderr, /experimental|UNDICI-EHPA/);
    assert.match(stderr, /other warnings still show/);
  });
});

describe("proxy and lazy loading", () => {
  it("whtool verify with HTTPS_PROXY set but nothing to fetch never loads undici", async () => {
    const loaded = (
      await traced([BIN, "verify", HMAC_CAPTURES], { ...HMAC_ENV, HTTPS_PROXY: "http://127.0.0.1:9" })
    ).packages;
    assert.ok(loaded.has("commander"), `the trace works: ${[...loaded].join(", ")}`);
    assert.ok(!loaded.has("undici"), "undici was loaded");
  });
});
