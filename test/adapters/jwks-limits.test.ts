import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { MAX_JSON_BYTES } from "../../src/adapters/http-get.js";
import { FAILURE_CACHE_MS, JwksDiskCache, RemoteJwks } from "../../src/adapters/jwks.js";
import { generateSigningKey, jwksOf } from "../../src/providers/signing-key.js";
import { closedPort } from "../helpers/http-server.js";
import { tempDir } from "../helpers/tmp.js";

const k1 = await generateSigningKey("ES256", "k1");
const DOC = JSON.stringify(jwksOf([k1]));

/** A loopback server answering with `handler`, counting requests per path. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? "");
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  after(close);
  return { url, hits, count: (path: string) => hits.filter((h) => h === path).length };
}

const jwksServer = await serve((_req, res) =>
  res.writeHead(200, { "content-type": "application/json" }).end(DOC),
);

function store(url: string, extra: { cache?: JwksDiskCache; now?: () => Date } = {}) {
  return new RemoteJwks(url, {
    fetch,
    now: extra.now ?? (() => new Date()),
    maxAgeMs: 86_400_000,
    refetchIntervalMs: 30_000,
    ...(extra.cache ? { cache: extra.cache } : {}),
  });
}
const randomKids = (n: number) => Array.from({ length: n }, (_, i) => `forged-${i}-${Math.random()}`);

describe("RemoteJwks under a flood", () => {
  it("100 concurrent lookups of unknown kids on a cold store make one request", async () => {
    const keys = store(`${jwksServer.url}/cold.json`);
    const results = await Promise.all(randomKids(100).map((kid) => keys.find(kid)));
    assert.ok(results.every((r) => !r.ok && r.reason === "unknown_key"));
    assert.equal(jwksServer.count("/cold.json"), 1);
  });

  it("100 concurrent unknown kids on a warm store share one refetch", async () => {
    const keys = store(`${jwksServer.url}/warm.json`);
    assert.equal((await keys.find("k1")).ok, true);
    await Promise.all(randomKids(100).map((kid) => keys.find(kid)));
    assert.equal(jwksServer.count("/warm.json"), 2);
    await Promise.all(randomKids(100).map((kid) => keys.find(kid)));
    assert.equal(jwksServer.count("/warm.json"), 2, "the cool-down holds the next flood back");
  });

  it("a failing JWKS endpoint is asked once per negative-cache window, not once per delivery", async () => {
    const failing = await serve((_req, res) => res.writeHead(503).end());
    let t = Date.parse("2026-11-23T10:00:00Z");
    const keys = store(`${failing.url}/jwks.json`, { now: () => new Date(t) });
    const results = await Promise.all(randomKids(100).map((kid) => keys.find(kid)));
    assert.ok(results.every((r) => !r.ok && r.reason === "jwks_unavailable"));
    assert.equal(failing.count("/jwks.json"), 1);
    t += 1_000;
    const cached = await keys.find("k1");
    assert.match(cached.ok ? "" : cached.detail, /answered 503 \(not retried for 9 s\)/);
    assert.equal(failing.count("/jwks.json"), 1);
    t += FAILURE_CACHE_MS;
    await keys.find("k1");
    assert.equal(failing.count("/jwks.json"), 2, "retried once the window is over");
  });
});

describe("RemoteJwks refuses hostile documents", () => {
  const cachePath = join(tempDir(), ".whtool", "jwks-cache.json");
  const notCached = (url: string) =>
    !existsSync(cachePath) || !Object.hasOwn(JSON.parse(readFileSync(cachePath, "utf8")), url);

  it("a 5 MB JWKS is refused from its Content-Length, before any byte of the body is read", async () => {
    let bodyWritten = false;
    const big = await serve((_req, res) => {
      // Declares 5 MB and then sends nothing: a client that waited for the body would time out.
      res.writeHead(200, { "content-type": "application/json", "content-length": String(5 << 20) });
      res.flushHeaders();
      res.on("close", () => (bodyWritten = res.writableFinished));
    });
    const started = Date.now();
    const result = await store(`${big.url}/jwks.json`, { cache: new JwksDiskCache(cachePath) }).find("k1");
    assert.equal(result.ok ? null : result.reason, "jwks_unavailable");
    assert.match(result.ok ? "" : result.detail, new RegExp(`more than ${MAX_JSON_BYTES} bytes; refused`));
    assert.ok(Date.now() - started < 5_000, "refused up front, not after a timeout");
    assert.equal(bodyWritten, false);
    assert.ok(notCached(`${big.url}/jwks.json`));
  });

  it("an endless body without Content-Length is cut at the cap (streamed, never held whole)", async () => {
    let sent = 0;
    let closedEarly = false;
    const endless = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }); // chunked: no Content-Length at all
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) sent += chunk.length;
        if (!res.destroyed) res.once("drain", pump);
      };
      res.on("close", () => (closedEarly = !res.writableFinished));
      res.write('{"keys":[');
      pump();
    });
    const result = await store(`${endless.url}/jwks.json`, { cache: new JwksDiskCache(cachePath) }).find(
      "k1",
    );
    assert.equal(result.ok ? null : result.reason, "jwks_unavailable");
    assert.match(result.ok ? "" : result.detail, /more than \d+ bytes; refused/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(closedEarly, true, "the client hung up mid-body");
    assert.ok(sent < 64 * MAX_JSON_BYTES, `sent ${sent} bytes`);
    assert.ok(notCached(`${endless.url}/jwks.json`));
  });

  it("more than 100 keys, or keys that are not objects, never reach the disk cache", async () => {
    const many = jwksOf(
      await Promise.all(Array.from({ length: 101 }, (_, i) => generateSigningKey("ES256", `k${i}`))),
    );
    const docs: Record<string, unknown> = {
      "/many": many,
      "/strings": { keys: ["a", "b"] },
      "/array": [DOC],
    };
    const garbage = await serve((req, res) =>
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(docs[req.url ?? ""])),
    );
    for (const [path, why] of [
      ["/many", /101 keys, more than the 100 allowed/],
      ["/strings", /a key that is not an object/],
      ["/array", /not a JSON object/],
    ] as const) {
      const result = await store(`${garbage.url}${path}`, { cache: new JwksDiskCache(cachePath) }).find("k1");
      assert.equal(result.ok ? null : result.reason, "jwks_unavailable", path);
      assert.match(result.ok ? "" : result.detail, why);
      assert.ok(notCached(`${garbage.url}${path}`), `${path} was cached`);
    }
  });

  it("a cross-origin redirect is not followed; a same-origin one is", async () => {
    const elsewhere = await serve((_req, res) =>
      res.writeHead(200, { "content-type": "application/json" }).end(DOC),
    );
    const redirecting = await serve((req, res) => {
      if (req.url === "/moved") res.writeHead(301, { location: "/jwks.json" }).end();
      else if (req.url === "/jwks.json") res.writeHead(200, { "content-type": "application/json" }).end(DOC);
      else res.writeHead(302, { location: `${elsewhere.url}/jwks.json` }).end();
    });
    const refused = await store(`${redirecting.url}/away`).find("k1");
    assert.equal(refused.ok ? null : refused.reason, "jwks_unavailable");
    assert.match(refused.ok ? "" : refused.detail, /redirect to http:\/\/127\.0\.0\.1:\d+ refused/);
    assert.equal(elsewhere.hits.length, 0, "the second origin was never asked");
    assert.equal((await store(`${redirecting.url}/moved`).find("k1")).ok, true);
  });

  it("names --jwks-file when the keys are unavailable", async () => {
    const result = await store(`http://127.0.0.1:${await closedPort()}/jwks.json`).find("k1");
    assert.match(result.ok ? "" : result.detail, /verify offline with --jwks-file FILE/);
  });
});
