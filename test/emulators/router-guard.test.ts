import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import { Router, type ServerHandle, serveRouter } from "../../src/emulators/router.js";
import { type PpsRunningEmulator, startPpsEmulator } from "../../src/providers/pps/emulator.js";

/** A router whose one control route and one API route count what reached them. */
function countingRouter() {
  const hits = { control: 0, token: 0 };
  const router = new Router((status, message) => ({ status, message }))
    .on("POST", "/_emulator/tokens", () => ({ status: 200, body: { n: ++hits.control } }))
    .on("GET", "/_emulator/deliveries", () => ({ status: 200, body: { control: hits.control } }))
    .on("POST", "/oauth/token", () => ({ status: 200, body: { n: ++hits.token } }));
  return { router, hits };
}

/** node:http, because fetch will not send a made-up Host header. */
function rawRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
  body = "",
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => {
        text += chunk.toString();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("emulator router: browser pages are kept out", () => {
  let server: ServerHandle;
  let hits: { control: number; token: number };
  before(async () => {
    const built = countingRouter();
    hits = built.hits;
    server = await serveRouter(built.router);
  });
  after(() => server.close());

  it("a control POST with a foreign Origin is 403 and changes nothing", async () => {
    const res = await fetch(`${server.url}/_emulator/tokens`, {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(res.status, 403);
    assert.match(await res.text(), /evil\.example/);
    assert.equal(hits.control, 0);
  });

  it("a foreign Origin is refused on provider-API routes too (a page could mint tokens)", async () => {
    const res = await fetch(`${server.url}/oauth/token`, {
      method: "POST",
      headers: { origin: "null", "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
    });
    assert.equal(res.status, 403);
    assert.equal(hits.token, 0);
  });

  it("a text/plain control POST (what a no-cors fetch or form sends) is 415 and changes nothing", async () => {
    const res = await fetch(`${server.url}/_emulator/tokens`, { method: "POST", body: "{}" });
    assert.equal(res.headers.get("content-type"), "application/json");
    assert.equal(res.status, 415);
    const form = await fetch(`${server.url}/_emulator/tokens`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "a=1",
    });
    assert.equal(form.status, 415);
    assert.equal(hits.control, 0);
  });

  it("a control route called under a foreign Host name (DNS rebinding) is 403, reads included", async () => {
    const post = await rawRequest(`${server.url}/_emulator/tokens`, "POST", {
      host: `rebind.evil.example:${server.port}`,
      "content-type": "application/json",
    });
    assert.equal(post.status, 403);
    const read = await rawRequest(`${server.url}/_emulator/deliveries`, "GET", {
      host: `rebind.evil.example:${server.port}`,
    });
    assert.equal(read.status, 403);
    assert.equal(hits.control, 0);
  });

  it("local tools still get through: no Origin, the emulator's own Origin, JSON or no body, form to the API", async () => {
    const json = await fetch(`${server.url}/_emulator/tokens`, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8" },
      body: "{}",
    });
    assert.equal(json.status, 200);
    const sameOrigin = await fetch(`${server.url}/_emulator/tokens`, {
      method: "POST",
      headers: { origin: server.url, "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(sameOrigin.status, 200);
    const bodyless = await fetch(`${server.url}/_emulator/tokens`, { method: "POST" });
    assert.equal(bodyless.status, 200);
    const localhost = await rawRequest(`${server.url}/_emulator/deliveries`, "GET", {
      host: `localhost:${server.port}`,
    });
    assert.equal(localhost.status, 200);
    const form = await fetch(`${server.url}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
    });
    assert.equal(form.status, 200);
    assert.deepEqual(hits, { control: 3, token: 1 });
  });
});

describe("a real emulator behind the guard (pps)", () => {
  let emu: PpsRunningEmulator;
  before(async () => {
    emu = await startPpsEmulator({ timeScale: 0.0001 });
  });
  after(() => emu.close());

  const subscriptions = async () =>
    ((await (await fetch(`${emu.url}/_emulator/subscriptions`)).json()) as { subscriptions: unknown[] })
      .subscriptions;
  const subscribe = { url: "http://127.0.0.1:9/hook", topics: ["orders/placed"], tenantId: "t-1" };

  it("a cross-origin subscription is refused and none is created; a JSON one from a tool is", async () => {
    const evil = await fetch(`${emu.url}/_emulator/subscriptions`, {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "application/json" },
      body: JSON.stringify(subscribe),
    });
    assert.equal(evil.status, 403);
    const plain = await fetch(`${emu.url}/_emulator/subscriptions`, {
      method: "POST",
      body: JSON.stringify(subscribe),
    });
    assert.equal(plain.status, 415);
    assert.deepEqual(await subscriptions(), []);
    const ok = await fetch(`${emu.url}/_emulator/subscriptions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(subscribe),
    });
    assert.equal(ok.status, 201);
    assert.equal((await subscriptions()).length, 1);
  });
});
