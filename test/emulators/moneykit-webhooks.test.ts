import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, describe, it } from "node:test";
import { RemoteJwks } from "../../src/adapters/jwks.js";
import { type Delivery, type HeaderPair, headerValue } from "../../src/core/delivery.js";
import type { RunningEmulator } from "../../src/emulators/types.js";
import { PROVIDERS } from "../../src/providers/index.js";
import {
  MONEYKIT_DEFAULT_RETRY_OFFSETS_MS,
  type MoneyKitEmulatorOptions,
  startMoneyKitEmulator,
} from "../../src/providers/moneykit/emulator.js";
import { closedPort } from "../helpers/http-server.js";
import { startReceiver } from "../helpers/receiver.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const FAST = 0.0001; // one minute of MoneyKit's schedule becomes 6 ms

async function call(emu: RunningEmulator, method: string, path: string, token?: string, json?: unknown) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (json !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${emu.url}${path}`, {
    method,
    headers,
    ...(json !== undefined && { body: JSON.stringify(json) }),
  });
  const text = await response.text();
  return { status: response.status, text, body: (text ? JSON.parse(text) : null) as Record<string, unknown> };
}

const emulators: RunningEmulator[] = [];
const closers: (() => Promise<void>)[] = [];
after(async () => {
  await Promise.all(emulators.map((e) => e.close()));
  await Promise.all(closers.map((close) => close()));
});

/** An emulator, a token, the ready sandbox link, and (when given) that link's webhook set to `webhook`. */
async function start(options: MoneyKitEmulatorOptions = {}, webhook?: string) {
  const emu = await startMoneyKitEmulator(options);
  emulators.push(emu);
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: emu.env.MONEYKIT_CLIENT_ID ?? "",
    client_secret: emu.env.MONEYKIT_CLIENT_SECRET ?? "",
  });
  const r = await fetch(`${emu.url}/auth/token`, { method: "POST", body: form });
  const token = ((await r.json()) as { access_token: string }).access_token;
  const linkId = emu.env.MONEYKIT_LINK_ID ?? "";
  if (webhook !== undefined)
    assert.equal((await call(emu, "PATCH", `/links/${linkId}`, token, { webhook })).status, 200);
  return { emu, token, linkId };
}

async function receiver(statuses: Parameters<typeof startReceiver>[0] = [200]) {
  const r = await startReceiver(statuses);
  closers.push(r.close);
  return r;
}

/** The real verifier's key store, pointed at the emulator's JWKS. */
function jwksOf(emu: RunningEmulator, now: () => Date = () => new Date()): RemoteJwks {
  return new RemoteJwks(`${emu.url}/.well-known/jwks.json`, {
    fetch,
    now,
    maxAgeMs: 24 * HOUR,
    refetchIntervalMs: 5 * MIN,
  });
}

const verify = (d: Delivery, keys: RemoteJwks, at = new Date()) =>
  PROVIDERS.moneykit.verify(d, { at, secrets: [], keys });

const bodyOf = (d: { body: Uint8Array }) =>
  JSON.parse(Buffer.from(d.body).toString("utf8")) as Record<string, unknown>;
const header = (d: { headers: readonly HeaderPair[] }, name: string) => headerValue(d.headers, name) ?? "";
function jwtParts(d: { headers: readonly HeaderPair[] }) {
  const [h, p] = header(d, "MoneyKit-Signature").split(".");
  const decode = (s = "") =>
    JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as Record<string, unknown>;
  return { header: decode(h), claims: decode(p) };
}

describe("moneykit emulator: test webhooks reach a real receiver and verify", () => {
  it("delivers every event (seed aliases sent under their real names), signed, with the caller's key", async () => {
    const rx = await receiver();
    const { emu, token, linkId } = await start({}, rx.url);
    const keys = jwksOf(emu);
    const cases = [
      ["link.state_changed", "link.state_changed", ["state"]],
      ["link.product_refresh", "link.product_refresh", ["product", "state", "state_changed_at"]],
      ["transactions.updates_available", "transactions.updates_available", ["has_history"]],
      ["link.product_refreshed", "link.product_refresh", ["product", "state", "state_changed_at"]],
      ["links.state_changed", "link.state_changed", ["state"]],
    ] as const;
    for (const [i, [asked, real, fields]] of cases.entries()) {
      const key = `idem-${i}-9b1f0c2e`;
      const r = await call(emu, "POST", `/webhooks/test/link/${linkId}`, token, {
        webhook_event: asked,
        webhook_idempotency_key: key,
      });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(Object.keys(r.body), ["delivery_token"]);
      const [d] = (await rx.waitFor(i + 1)).slice(i);
      assert.ok(d);
      const v = await verify(d, keys);
      assert.equal(v.verified, true, JSON.stringify(v.checks));
      assert.equal(v.event, real);
      assert.equal(v.dedupeKey, key);
      assert.deepEqual(v.deliveryHeaders, {
        "MoneyKit-Delivery-Token": r.body.delivery_token,
        "MoneyKit-Delivery-Attempt": "1",
      });
      assert.equal(d.method, "POST");
      assert.equal(d.path, "/webhooks");
      assert.equal(header(d, "content-type"), "application/json");
      const body = bodyOf(d);
      assert.deepEqual(Object.keys(body), [
        "webhook_event",
        "webhook_major_version",
        "webhook_minor_version",
        "webhook_idempotency_key",
        "webhook_timestamp",
        "link_id",
        "link_tags",
        ...fields,
      ]);
      assert.equal(body.link_id, linkId);
      assert.equal(body.webhook_major_version, 1);
      assert.equal(body.webhook_minor_version, 0);
      assert.deepEqual(body.link_tags, []);
      if (real === "link.state_changed") assert.equal(body.state, "connected");
      const { header: jwtHeader, claims } = jwtParts(d);
      assert.equal(jwtHeader.alg, "ES256");
      assert.equal(jwtHeader.typ, "JWT");
      assert.equal(claims.iss, "https://api.moneykit.com");
    }
  });

  it("generates an idempotency key when the caller gives none", async () => {
    const rx = await receiver();
    const { emu, token, linkId } = await start({}, rx.url);
    const r = await call(emu, "POST", `/webhooks/test/link/${linkId}`, token, {
      webhook_event: "transactions.updates_available",
    });
    assert.equal(r.status, 200);
    const [d] = await rx.waitFor(1);
    assert.ok(d);
    assert.match(String(bodyOf(d).webhook_idempotency_key), /^[0-9a-f-]{36}$/);
  });

  it("exchange and delete send link.state_changed (connected, then deleted) to the link's webhook", async () => {
    const rx = await receiver();
    const { emu, token } = await start();
    const session = await call(emu, "POST", "/link-session", token, {
      customer_user: { id: "user_42" },
      webhook: rx.url,
      link_tags: ["savings"],
    });
    const done = await call(emu, "POST", "/_emulator/link-session/complete", undefined, {
      link_session_token: session.body.link_session_token,
    });
    const exchanged = await call(emu, "POST", "/link-session/exchange-token", token, {
      exchangeable_token: done.body.exchangeable_token,
    });
    assert.equal(exchanged.status, 201);
    const linkId = String(exchanged.body.link_id);
    const [connected] = await rx.waitFor(1);
    assert.ok(connected);
    assert.deepEqual(
      [bodyOf(connected).webhook_event, bodyOf(connected).state, bodyOf(connected).link_id],
      ["link.state_changed", "connected", linkId],
    );
    assert.deepEqual(bodyOf(connected).link_tags, ["savings"]);
    assert.equal((await call(emu, "DELETE", `/links/${linkId}`, token)).status, 204);
    const [, deleted] = await rx.waitFor(2);
    assert.ok(deleted);
    const keys = jwksOf(emu);
    for (const d of [connected, deleted]) assert.equal((await verify(d, keys)).verified, true);
    assert.deepEqual(
      [bodyOf(deleted).webhook_event, bodyOf(deleted).state],
      ["link.state_changed", "deleted"],
    );
  });

  it("a product refresh sends one link.product_refresh per product (completed by default)", async () => {
    const rx = await receiver();
    const { emu, token, linkId } = await start({}, rx.url);
    const r = await call(emu, "POST", `/links/${linkId}/products`, token, {
      products: ["accounts", "identity"],
    });
    assert.equal(r.status, 202);
    const got = await rx.waitFor(2);
    const keys = jwksOf(emu);
    const seen = [];
    for (const d of got) {
      assert.equal((await verify(d, keys)).verified, true);
      const body = bodyOf(d);
      assert.equal(body.webhook_event, "link.product_refresh");
      assert.equal(body.state, "completed");
      assert.match(String(body.state_changed_at), /^\d{4}-\d\d-\d\dT/);
      seen.push(body.product);
    }
    assert.deepEqual(seen.sort(), ["accounts", "identity"]);
    await emu.engine.idle();
    assert.equal(rx.received.length, 2);
  });

  it("productRefreshStates makes a refresh report each state in turn", async () => {
    const rx = await receiver();
    const { emu, token, linkId } = await start(
      { productRefreshStates: ["in_progress", "completed"] },
      rx.url,
    );
    assert.equal(
      (await call(emu, "POST", `/links/${linkId}/products`, token, { products: ["transactions"] })).status,
      202,
    );
    const got = await rx.waitFor(2);
    assert.deepEqual(got.map((d) => bodyOf(d).state).sort(), ["completed", "in_progress"]);
    assert.equal(new Set(got.map((d) => bodyOf(d).webhook_idempotency_key)).size, 2, "one event per state");
  });
});

describe("moneykit emulator: retries", () => {
  it("retries non-2xx with the same bytes, key, timestamp and token; the attempt header counts up", async () => {
    const rx = await receiver([500, 503, 200]);
    const { emu, token, linkId } = await start({ timeScale: FAST }, rx.url);
    const r = await call(emu, "POST", `/webhooks/test/link/${linkId}`, token, {
      webhook_event: "link.product_refresh",
      webhook_idempotency_key: "retry-me-1",
    });
    const got = await rx.waitFor(3);
    await emu.engine.idle();
    assert.equal(rx.received.length, 3);
    const [a, b, c] = got;
    assert.ok(a && b && c);
    assert.ok(
      Buffer.from(a.body).equals(Buffer.from(b.body)) && Buffer.from(b.body).equals(Buffer.from(c.body)),
    );
    assert.equal(bodyOf(c).webhook_idempotency_key, "retry-me-1");
    assert.deepEqual(
      got.map((d) => header(d, "MoneyKit-Delivery-Attempt")),
      ["1", "2", "3"],
    );
    assert.deepEqual(
      got.map((d) => header(d, "MoneyKit-Delivery-Token")),
      Array(3).fill(r.body.delivery_token),
    );
    // Signed afresh per attempt (ES256 signatures are randomised even within the same second).
    assert.equal(new Set(got.map((d) => header(d, "MoneyKit-Signature"))).size, 3);
    const keys = jwksOf(emu);
    for (const d of got) assert.equal((await verify(d, keys)).verified, true);
    assert.deepEqual(
      emu.engine.attempts.map((x) => [x.attempt, x.status, x.outcome]),
      [
        [1, 500, "retry scheduled"],
        [2, 503, "retry scheduled"],
        [3, 200, "delivered"],
      ],
    );
  });

  it("any 2xx ends the job; 3xx and 4xx are retried like 5xx", async () => {
    const rx = await receiver([302, 404, 410, 204]);
    const { emu, token, linkId } = await start({ timeScale: FAST }, rx.url);
    await call(emu, "POST", `/webhooks/test/link/${linkId}`, token, { webhook_event: "link.state_changed" });
    await rx.waitFor(4);
    await emu.engine.idle();
    assert.deepEqual(
      emu.engine.attempts.map((x) => [x.status, x.outcome]),
      [
        [302, "retry scheduled"],
        [404, "retry scheduled"],
        [410, "retry scheduled"],
        [204, "delivered"],
      ],
    );
  });

  it("backs off exponentially for up to two hours, then gives up", async () => {
    assert.deepEqual(
      MONEYKIT_DEFAULT_RETRY_OFFSETS_MS.map((ms) => ms / MIN),
      [0, 1, 3, 7, 15, 31, 63],
    );
    const rx = await receiver(() => 500);
    const { emu, token, linkId } = await start({ timeScale: FAST / 4 }, rx.url);
    await call(emu, "POST", `/webhooks/test/link/${linkId}`, token, { webhook_event: "link.state_changed" });
    const attempts = await emu.engine.waitFor(
      7,
      (x) => x.outcome === "gave up" || x.outcome === "retry scheduled",
    );
    await emu.engine.idle();
    assert.equal(emu.engine.attempts.length, 7);
    assert.equal(rx.received.length, 7);
    assert.deepEqual(
      attempts.map((x) => x.outcome),
      [...Array(6).fill("retry scheduled"), "gave up"],
    );
    assert.deepEqual(
      rx.received.map((d) => header(d, "MoneyKit-Delivery-Attempt")),
      ["1", "2", "3", "4", "5", "6", "7"],
    );
  });

  it("retries a receiver that cannot be reached, recording the network error", async () => {
    const port = await closedPort();
    const { emu, token, linkId } = await start(
      { timeScale: 0.001, retryOffsetsMs: [0, MIN, 2 * MIN] },
      `http://127.0.0.1:${port}/webhooks`,
    );
    await call(emu, "POST", `/webhooks/test/link/${linkId}`, token, { webhook_event: "link.state_changed" });
    const attempts = await emu.engine.waitFor(3);
    assert.deepEqual(
      attempts.map((x) => [x.status, x.error, x.outcome]),
      [
        [null, "ECONNREFUSED", "retry scheduled"],
        [null, "ECONNREFUSED", "retry scheduled"],
        [null, "ECONNREFUSED", "gave up"],
      ],
    );
  });

  it("firstAttemptNumber: 0 numbers attempts from 0 (the format is not documented)", async () => {
    const rx = await receiver([500, 200]);
    const { emu, token, linkId } = await start({ timeScale: FAST, firstAttemptNumber: 0 }, rx.url);
    await call(emu, "POST", `/webhooks/test/link/${linkId}`, token, { webhook_event: "link.state_changed" });
    const got = await rx.waitFor(2);
    assert.deepEqual(
      got.map((d) => header(d, "MoneyKit-Delivery-Attempt")),
      ["0", "1"],
    );
  });

  it("close() cancels scheduled retries", async () => {
    const rx = await receiver(() => 500);
    const { emu, token, linkId } = await start({}, rx.url); // real schedule: the retry is a minute away
    await call(emu, "POST", `/webhooks/test/link/${linkId}`, token, { webhook_event: "link.state_changed" });
    const [first] = await emu.engine.waitFor(1);
    assert.equal(first?.outcome, "retry scheduled");
    await emu.close();
    await emu.engine.idle();
    assert.equal(emu.engine.attempts.length, 1);
    assert.equal(rx.received.length, 1);
  });

  it("GET /_emulator/deliveries lists every attempt as sent", async () => {
    const rx = await receiver([500, 200]);
    const { emu, token, linkId } = await start({ timeScale: FAST }, rx.url);
    await call(emu, "POST", `/webhooks/test/link/${linkId}`, token, {
      webhook_event: "link.state_changed",
      webhook_idempotency_key: "listed-1",
    });
    await emu.engine.waitFor(2);
    const r = await call(emu, "GET", "/_emulator/deliveries");
    assert.equal(r.status, 200);
    const list = r.body.deliveries as Record<string, unknown>[];
    assert.deepEqual(
      list.map((x) => [x.attempt, x.status, x.outcome, x.event, x.eventId, x.url]),
      [
        [1, 500, "retry scheduled", "link.state_changed", "listed-1", rx.url],
        [2, 200, "delivered", "link.state_changed", "listed-1", rx.url],
      ],
    );
    assert.match(String(list[0]?.sentAt), /^\d{4}-\d\d-\d\dT.*Z$/);
    assert.ok(!JSON.stringify(list).includes(emu.env.MONEYKIT_CLIENT_SECRET ?? "unset"));
  });
});

describe("moneykit emulator: key rotation seen by the real verifier (RemoteJwks)", () => {
  it("a delivery signed before a rotation and one after both verify against the emulator's JWKS", async () => {
    const rx = await receiver();
    const { emu, token, linkId } = await start({}, rx.url);
    const at = () => new Date();
    const keys = jwksOf(emu, at);
    const send = async () => {
      await call(emu, "POST", `/webhooks/test/link/${linkId}`, token, {
        webhook_event: "link.state_changed",
      });
      const got = await rx.waitFor(rx.received.length + 1);
      const d = got.at(-1);
      assert.ok(d);
      return d;
    };

    const before = await send();
    assert.equal((await verify(before, keys, at())).verified, true);
    const rotated = (await call(emu, "POST", "/_emulator/rotate-keys")).body;
    const afterRotation = await send();
    assert.equal(jwtParts(before).header.kid, rotated.previous_kid);
    assert.equal(jwtParts(afterRotation).header.kid, rotated.kid);

    // The cached JWKS does not know the new kid yet: the first unknown kid refetches at once.
    assert.equal((await verify(afterRotation, keys, at())).verified, true);
    assert.equal((await verify(before, keys, at())).verified, true, "the previous key stays published");

    // A second rotation drops the first key: only a delivery from a dropped key fails.
    await call(emu, "POST", "/_emulator/rotate-keys");
    const fresh = jwksOf(emu);
    assert.equal((await verify(afterRotation, fresh)).verified, true);
    assert.equal((await verify(before, fresh)).reason, "unknown_key");
  });

  it("a retry after a rotation is signed with the new key and a fresh iat; the body stays the same", async () => {
    let t = Date.parse("2026-11-23T10:00:00.000Z");
    const now = () => new Date(t);
    let emuUrl = "";
    const received: Delivery[] = [];
    // A receiver that, on the first attempt, moves the clock 90 s and rotates the keys before answering 500.
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", async () => {
        const headers: HeaderPair[] = [];
        for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
          headers.push([req.rawHeaders[i] ?? "", req.rawHeaders[i + 1] ?? ""]);
        received.push({
          id: `r${received.length}`,
          method: "POST",
          path: req.url ?? "",
          headers,
          body: Buffer.concat(chunks),
          receivedAt: now(),
        });
        if (received.length === 1) {
          t += 90_000;
          await fetch(`${emuUrl}/_emulator/rotate-keys`, { method: "POST" });
          res.writeHead(500).end();
        } else res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
    const { emu, token, linkId } = await start({ now, timeScale: FAST }, url);
    emuUrl = emu.url;
    await call(emu, "POST", `/webhooks/test/link/${linkId}`, token, { webhook_event: "link.state_changed" });
    await emu.engine.waitFor(1, (x) => x.outcome === "delivered");
    const [first, second] = received;
    assert.ok(first && second);
    assert.ok(Buffer.from(first.body).equals(Buffer.from(second.body)));
    assert.equal(bodyOf(second).webhook_timestamp, "2026-11-23T10:00:00.000Z");
    assert.notEqual(jwtParts(first).header.kid, jwtParts(second).header.kid);
    assert.equal(Number(jwtParts(second).claims.iat) - Number(jwtParts(first).claims.iat), 90);
    const jwks = (await call(emu, "GET", "/.well-known/jwks.json")).body as { keys: { kid: string }[] };
    assert.deepEqual(
      jwks.keys.map((k) => k.kid),
      [jwtParts(second).header.kid, jwtParts(first).header.kid],
    );
    const keys = jwksOf(emu, now);
    for (const d of [first, second])
      assert.equal((await verify(d, keys, now())).verified, true, `attempt ${d.id}`);
  });
});
