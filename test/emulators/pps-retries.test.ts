import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { OidcKeyStore } from "../../src/adapters/jwks.js";
import { parseTrustedIssuers } from "../../src/config/trusted-issuers.js";
import { type Delivery, headerValue } from "../../src/core/delivery.js";
import { PROVIDERS } from "../../src/providers/index.js";
import { PPS_DEFAULT_RETRY_OFFSETS_MS } from "../../src/providers/pps/emulator/dispatch.js";
import {
  type PpsEmulatorOptions,
  type PpsRunningEmulator,
  startPpsEmulator,
} from "../../src/providers/pps/emulator.js";
import { PPS_JWKS_TTL_MS } from "../../src/providers/pps/info.js";
import { closedPort } from "../helpers/http-server.js";
import { type Receiver, startReceiver } from "../helpers/receiver.js";

const MIN = 60_000;
/** 0, 1, 3, 7 minutes: at timeScale 0.0001 that is 0, 6, 18, 42 ms. */
const OFFSETS = [0, MIN, 3 * MIN, 7 * MIN];

async function withEmulator(
  statuses: readonly number[] | ((n: number) => number),
  run: (emu: PpsRunningEmulator, receiver: Receiver) => Promise<void>,
  options: PpsEmulatorOptions = {},
): Promise<void> {
  const emu = await startPpsEmulator({ timeScale: 0.0001, retryOffsetsMs: OFFSETS, ...options });
  const receiver = await startReceiver(statuses);
  try {
    await run(emu, receiver);
  } finally {
    await emu.close();
    await receiver.close();
  }
}

async function post(emu: PpsRunningEmulator, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${emu.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.ok(res.status < 300, `${path} → ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}

async function subscribeAndTrigger(emu: PpsRunningEmulator, url: string, topic = "orders/placed") {
  await post(emu, "/_emulator/subscriptions", { url, topics: [topic], tenantId: "OU1243" });
  return post(emu, "/_emulator/events", { topic });
}

const verifierFor = (emu: PpsRunningEmulator, now: () => Date) => {
  const keys = new OidcKeyStore({ fetch, now, maxAgeMs: PPS_JWKS_TTL_MS, refetchIntervalMs: 0 });
  const trustedIssuers = parseTrustedIssuers(emu.env.PPS_TRUSTED_ISSUERS);
  return (d: Delivery, at: Date) => PROVIDERS.pps.verify(d, { at, secrets: [], keys, trustedIssuers });
};
const tokenOf = (d: Delivery) => (headerValue(d.headers, "Authorization") ?? "").replace(/^Bearer /, "");

describe("pps emulator: retries", () => {
  it("default schedule (unknown in the docs): exponential from 1 minute within a day, 11 attempts", () => {
    assert.deepEqual(
      PPS_DEFAULT_RETRY_OFFSETS_MS.map((ms) => ms / MIN),
      [0, 1, 3, 7, 15, 31, 63, 127, 255, 511, 1023],
    );
  });

  it("retries a 5xx until a 2xx: same webhook id, Triggered-At and body; a freshly signed token each time", async () => {
    let clock = Date.now();
    const now = () => new Date(clock);
    // The emulator's clock moves 10 s per attempt, so each retry's token is issued later.
    const statuses = (n: number) => {
      clock += 10_000;
      return n < 2 ? 503 : 200;
    };
    await withEmulator(
      statuses,
      async (emu, receiver) => {
        const started = clock;
        const triggered = await subscribeAndTrigger(emu, receiver.url);
        const attempts = await emu.engine.waitFor(3);
        await emu.engine.idle();
        assert.equal(receiver.received.length, 3);
        assert.deepEqual(
          attempts.map((a) => [a.attempt, a.status, a.outcome]),
          [
            [1, 503, "retry scheduled"],
            [2, 503, "retry scheduled"],
            [3, 200, "delivered"],
          ],
        );
        const [planned] = triggered.deliveries as { webhookId: string }[];
        const same = (name: string) => new Set(receiver.received.map((d) => headerValue(d.headers, name)));
        assert.deepEqual([...same("X-Pps-Webhook-Id")], [planned?.webhookId]);
        assert.equal(same("X-Pps-Triggered-At").size, 1);
        assert.equal(new Set(receiver.received.map((d) => Buffer.from(d.body).toString("hex"))).size, 1);
        assert.deepEqual(
          attempts.map((a) => a.eventId),
          [planned?.webhookId, planned?.webhookId, planned?.webhookId],
        );

        const tokens = receiver.received.map(tokenOf);
        assert.equal(new Set(tokens).size, 3, "a new token per attempt");
        const iats = tokens.map((t) => decodeJwt(t).iat ?? 0);
        assert.deepEqual(
          iats.map((iat) => iat - Math.floor(started / 1000)),
          [0, 10, 20],
        );
        const verify = verifierFor(emu, now);
        for (const [i, d] of receiver.received.entries()) {
          const v = await verify(d, new Date((iats[i] ?? 0) * 1000));
          assert.equal(v.verified, true, JSON.stringify(v.checks));
        }
      },
      { now },
    );
  });

  for (const status of [403, 404, 410]) {
    it(`a ${status} is final: one attempt, recorded as rejected`, async () => {
      await withEmulator([status], async (emu, receiver) => {
        await subscribeAndTrigger(emu, receiver.url, "orders/cancelled");
        const [first] = await emu.engine.waitFor(1);
        await emu.engine.idle();
        assert.equal(first?.outcome, "rejected");
        assert.equal(first?.status, status);
        assert.equal(emu.engine.attempts.length, 1);
        assert.equal(receiver.received.length, 1);
      });
    });
  }

  it("keeps answering 500 → gives up after the last offset", async () => {
    await withEmulator([500], async (emu, receiver) => {
      await subscribeAndTrigger(emu, receiver.url, "orders/shipped");
      await emu.engine.waitFor(OFFSETS.length);
      await emu.engine.idle();
      assert.deepEqual(
        emu.engine.attempts.map((a) => a.outcome),
        ["retry scheduled", "retry scheduled", "retry scheduled", "gave up"],
      );
      assert.equal(receiver.received.length, OFFSETS.length);
    });
  });

  it("no answer is retried like a 5xx", async () => {
    await withEmulator([200], async (emu) => {
      await subscribeAndTrigger(emu, `http://127.0.0.1:${await closedPort()}/hook`, "orders/updated");
      await emu.engine.waitFor(OFFSETS.length);
      await emu.engine.idle();
      assert.deepEqual(
        emu.engine.attempts.map((a) => [a.status, a.error]),
        OFFSETS.map(() => [null, "ECONNREFUSED"]),
      );
      assert.equal(emu.engine.attempts.at(-1)?.outcome, "gave up");
    });
  });

  it("a retry after a key rotation is signed with the new key", async () => {
    const emu = await startPpsEmulator({ timeScale: 0.0001, retryOffsetsMs: OFFSETS });
    // A receiver that rotates the emulator's key before answering its first delivery 500, so the
    // retry (scheduled only once that answer arrives) is certainly built after the rotation.
    const seen: Delivery[] = [];
    let newKid: unknown;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        const headers = Object.entries(req.headers).map(([n, v]) => [n, String(v)] as const);
        seen.push({
          id: `r${seen.length}`,
          method: "POST",
          path: req.url ?? "",
          headers,
          body: Buffer.concat(chunks),
          receivedAt: new Date(),
        });
        if (seen.length === 1) {
          newKid = (await post(emu, "/_emulator/rotate-keys", {})).kid;
          res.writeHead(500).end();
        } else res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      await subscribeAndTrigger(emu, `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`);
      await emu.engine.waitFor(2);
      const kids = seen.map((d) => decodeProtectedHeader(tokenOf(d)).kid);
      assert.equal(typeof newKid, "string");
      assert.notEqual(kids[0], newKid);
      assert.equal(kids[1], newKid);
      const verify = verifierFor(emu, () => new Date());
      for (const d of seen) assert.equal((await verify(d, d.receivedAt)).verified, true);
    } finally {
      await emu.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("close() cancels scheduled retries", async () => {
    await withEmulator(
      [500],
      async (emu, receiver) => {
        await subscribeAndTrigger(emu, receiver.url);
        const [first] = await emu.engine.waitFor(1);
        assert.equal(first?.outcome, "retry scheduled");
        await emu.close();
        await emu.engine.idle();
        assert.equal(emu.engine.attempts.length, 1);
        assert.equal(receiver.received.length, 1);
      },
      { retryOffsetsMs: [0, 60 * MIN] },
    );
  });
});
