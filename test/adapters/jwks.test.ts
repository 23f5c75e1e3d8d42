import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { JwksDiskCache, RemoteJwks, StaticKeyStore } from "../../src/adapters/jwks.js";
import { generateSigningKey, jwksOf } from "../../src/providers/signing-key.js";
import { closedPort, serveJson } from "../helpers/http-server.js";
import { tempDir } from "../helpers/tmp.js";

const k1 = await generateSigningKey("ES256", "k1");
const k2 = await generateSigningKey("ES256", "k2");
const server = await serveJson({ "/.well-known/jwks.json": jwksOf([k1]) });
after(() => server.close());
const URL_ = `${server.url}/.well-known/jwks.json`;
const MIN = 60_000;

function clock(start = Date.parse("2026-11-23T10:00:00Z")) {
  let t = start;
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}
const jwksRequests = () => server.requests.filter((r) => r.url === "/.well-known/jwks.json").length;

describe("RemoteJwks", () => {
  it("fetches once, then serves from cache until 24 h have passed", async () => {
    const c = clock();
    server.set("/.well-known/jwks.json", 200, jwksOf([k1]));
    const before = jwksRequests();
    const store = new RemoteJwks(URL_, {
      fetch,
      now: c.now,
      maxAgeMs: 24 * 60 * MIN,
      refetchIntervalMs: 5 * MIN,
    });
    assert.equal((await store.find("k1")).ok, true);
    c.advance(23 * 60 * MIN);
    assert.equal((await store.find("k1")).ok, true);
    assert.equal(jwksRequests() - before, 1);
    c.advance(2 * 60 * MIN);
    assert.equal((await store.find("k1")).ok, true);
    assert.equal(jwksRequests() - before, 2);
  });

  it("refetches at once on the first unknown kid (a rotation), then at most once per cool-down", async () => {
    const c = clock();
    server.set("/.well-known/jwks.json", 200, jwksOf([k1]));
    const store = new RemoteJwks(URL_, {
      fetch,
      now: c.now,
      maxAgeMs: 24 * 60 * MIN,
      refetchIntervalMs: 30_000,
    });
    await store.find("k1");
    const before = jwksRequests();
    server.set("/.well-known/jwks.json", 200, jwksOf([k2, k1])); // rotated: new key, previous still published
    c.advance(1_000);
    assert.equal((await store.find("k2")).ok, true, "a genuine rotation right after a fetch is accepted");
    assert.equal(jwksRequests(), before + 1);
    c.advance(10_000);
    const forged = await store.find("k-forged");
    assert.equal(forged.ok ? null : forged.reason, "unknown_key");
    assert.match(
      forged.ok ? "" : forged.detail,
      /refetched 10 s ago for an unknown kid, next refetch allowed in 20 s/,
    );
    assert.equal(jwksRequests(), before + 1, "no refetch inside the cool-down");
    c.advance(20_000);
    assert.equal((await store.find("k-forged")).ok, false);
    assert.equal(jwksRequests(), before + 2, "refetched once the cool-down is over");
    assert.equal((await store.find("k1")).ok, true, "previous kid still verifies");
  });

  it("shares fetches across runs through the disk cache (0600)", async () => {
    const c = clock();
    server.set("/.well-known/jwks.json", 200, jwksOf([k1]));
    const cachePath = join(tempDir(), ".whtool", "jwks-cache.json");
    const options = { fetch, now: c.now, maxAgeMs: 24 * 60 * MIN, refetchIntervalMs: 5 * MIN };
    const before = jwksRequests();
    await new RemoteJwks(URL_, { ...options, cache: new JwksDiskCache(cachePath) }).find("k1");
    await new RemoteJwks(URL_, { ...options, cache: new JwksDiskCache(cachePath) }).find("k1");
    assert.equal(jwksRequests() - before, 1);
    assert.equal(statSync(cachePath).mode & 0o777, 0o600);
  });

  it("reports jwks_unavailable with the cause when the endpoint fails or is not a JWKS", async () => {
    const c = clock();
    const options = { fetch, now: c.now, maxAgeMs: MIN, refetchIntervalMs: MIN };
    server.set("/broken", 500, { error: "boom" });
    server.set("/notjwks", 200, { hello: "world" });
    const broken = await new RemoteJwks(`${server.url}/broken`, options).find("k1");
    assert.deepEqual(broken.ok ? null : [broken.reason, /answered 500/.test(broken.detail)], [
      "jwks_unavailable",
      true,
    ]);
    const notJwks = await new RemoteJwks(`${server.url}/notjwks`, options).find("k1");
    assert.equal(notJwks.ok ? null : notJwks.reason, "jwks_unavailable");
    const refused = await new RemoteJwks(`http://127.0.0.1:${await closedPort()}/jwks.json`, options).find(
      "k1",
    );
    assert.match(refused.ok ? "" : refused.detail, /ECONNREFUSED/);
  });
});

describe("StaticKeyStore", () => {
  it("finds by kid, or the only key when the token names none", async () => {
    const one = new StaticKeyStore(jwksOf([k1]), "f.json");
    assert.equal((await one.find(undefined)).ok, true);
    const two = new StaticKeyStore(jwksOf([k1, k2]), "f.json");
    assert.equal((await two.find(undefined)).ok, false);
    assert.equal((await two.find("k2")).ok, true);
    const lookup = await two.find("nope");
    assert.match(lookup.ok ? "" : lookup.detail, /has: k1, k2/);
  });
});
