import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, test } from "node:test";
import { OidcKeyStore } from "../../src/adapters/jwks.js";
import type { Delivery } from "../../src/core/delivery.js";
import { diagnose } from "../../src/providers/doctor/index.js";
import { PROVIDERS } from "../../src/providers/index.js";
import { moneykitHeaders, signMoneyKit } from "../../src/providers/moneykit/sign.js";
import { ppsHeaders, signPpsToken } from "../../src/providers/pps/sign.js";
import { generateSigningKey, jwksOf, type SigningKey } from "../../src/providers/signing-key.js";
import { captureOf, writeCaptures } from "../helpers/captures.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

/**
 * A provider's key server that rotates: the n-th request for the JWKS gets the n-th set (the last
 * one from then on). Discovery, for PointServices, points at the same JWKS.
 */
async function rotatingKeyServer(sets: readonly SigningKey[][]) {
  let served = 0;
  const server = createServer((req, res) => {
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (req.url === "/.well-known/openid-configuration") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ issuer: origin, jwks_uri: `${origin}/.well-known/jwks.json` }));
      return;
    }
    const set = sets[Math.min(served, sets.length - 1)] ?? [];
    served++;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(jwksOf(set)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => served,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const body = (n: number) =>
  Buffer.from(JSON.stringify({ webhook_event: "link.state_changed", webhook_idempotency_key: `i-${n}` }));

async function moneykitRecord(n: number, key: SigningKey, at: Date, signedBy: SigningKey = key) {
  const bytes = body(n);
  // A forgery names the new kid but is signed with a key of the forger's own.
  const jwt = await signMoneyKit(
    bytes,
    { ...signedBy, kid: key.kid },
    { iat: Math.floor(at.getTime() / 1000) },
  );
  return captureOf(`d${n}`, moneykitHeaders(jwt, `dt${n}`, 1) as [string, string][], bytes, at, "moneykit");
}

describe("the doctor: a JWKS copy older than the provider's key rotation (jwks_stale)", () => {
  test("verify names a stale key set when a set fetched again has the kid and the delivery verifies with it", async () => {
    const [k1, k2, k3] = await Promise.all(["k1", "k2", "k3"].map((kid) => generateSigningKey("ES256", kid)));
    if (!k1 || !k2 || !k3) throw new Error("keys");
    // Two rotations inside one refetch cool-down: the verifier's own refetch (for k2) is spent when
    // k3 arrives, so k3 fails as unknown; the doctor's fetch sees it.
    const keys = await rotatingKeyServer([[k1], [k1, k2], [k1, k2, k3]]);
    try {
      const dir = tempDir();
      const at = new Date();
      const capture = writeCaptures(dir, "rotated.jsonl", [
        await moneykitRecord(1, k1, at),
        await moneykitRecord(2, k2, at),
        await moneykitRecord(3, k3, at),
      ]);
      const r = await runCli(["verify", "--json", capture], {
        cwd: dir,
        env: { MONEYKIT_API_URL: keys.url },
      });
      const lines = r.stdout
        .trim()
        .split("\n")
        .map(
          (l) =>
            JSON.parse(l) as {
              verified: boolean;
              reason: string | null;
              diagnosis: { code: string; detail: string }[];
            },
        );
      assert.deepEqual(
        lines.map((l) => l.verified),
        [true, true, false],
        r.stdout,
      );
      assert.equal(lines[2]?.reason, "unknown_key");
      assert.deepEqual(
        lines[2]?.diagnosis.map((d) => d.code),
        ["jwks_stale"],
      );
      assert.match(lines[2]?.diagnosis[0]?.detail ?? "", /kid k3 was not in the key set whtool had/);
      assert.equal(keys.requests(), 3, "one fetch each: first use, the verifier's refetch, the doctor's");
    } finally {
      await keys.close();
    }
  });

  test("a forgery that names the new kid gets no diagnosis: the fresh key does not verify it", async () => {
    const [k1, k2, k3, forger] = await Promise.all(
      ["k1", "k2", "k3", "forger"].map((kid) => generateSigningKey("ES256", kid)),
    );
    if (!k1 || !k2 || !k3 || !forger) throw new Error("keys");
    const keys = await rotatingKeyServer([[k1], [k1, k2], [k1, k2, k3]]);
    try {
      const dir = tempDir();
      const at = new Date();
      const capture = writeCaptures(dir, "forged.jsonl", [
        await moneykitRecord(1, k1, at),
        await moneykitRecord(2, k2, at),
        await moneykitRecord(3, k3, at, forger),
      ]);
      const r = await runCli(["verify", "--json", capture], {
        cwd: dir,
        env: { MONEYKIT_API_URL: keys.url },
      });
      const last = JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}") as {
        verified: boolean;
        diagnosis: unknown[];
      };
      assert.equal(last.verified, false);
      assert.deepEqual(last.diagnosis, []);
    } finally {
      await keys.close();
    }
  });

  test("PointServices: the fresh set comes from the trusted issuer's own keys; an untrusted one is never fetched", async () => {
    const [old, rotated] = await Promise.all([
      generateSigningKey("RS256", "old"),
      generateSigningKey("RS256", "new"),
    ]);
    if (!old || !rotated) throw new Error("keys");
    const issuer = await rotatingKeyServer([[old], [old], [old, rotated]]);
    try {
      const at = new Date();
      const iat = Math.floor(at.getTime() / 1000);
      const trustedIssuers = [{ issuer: issuer.url, audiences: ["my-project"] }];
      // Cool-down long enough that the verifier's own refetch never happens in this test.
      const store = new OidcKeyStore({
        fetch,
        now: () => new Date(),
        maxAgeMs: 86_400_000,
        refetchIntervalMs: 60_000,
      });
      const token = await signPpsToken(rotated, {
        issuer: issuer.url,
        audience: "my-project",
        subject: "s",
        iat,
      });
      const delivery: Delivery = {
        id: "p1",
        method: "POST",
        path: "/",
        headers: ppsHeaders(token, {
          topic: "orders/placed",
          tenantId: "OU1",
          webhookId: "w",
          triggeredAt: "x",
        }) as [string, string][],
        body: Buffer.from("{}"),
        receivedAt: at,
      };
      // Seed the store with the old set, and spend the verifier's refetch on an unknown kid.
      assert.equal((await store.find("old", issuer.url)).ok, true);
      assert.equal((await store.find("nope", issuer.url)).ok, false);
      const verdict = await PROVIDERS.pps.verify(delivery, { at, secrets: [], keys: store, trustedIssuers });
      assert.equal(verdict.reason, "unknown_key");
      const input = { at, secrets: [], candidates: [], trustedIssuers, keys: store };
      const found = await diagnose("pps", delivery, verdict, input);
      assert.deepEqual(
        found.map((d) => d.code),
        ["jwks_stale"],
      );
      const before = issuer.requests();
      assert.equal(await store.refetched("https://attacker.example"), undefined);
      assert.equal(issuer.requests(), before, "nothing fetched for an issuer verification never used");
    } finally {
      await issuer.close();
    }
  });
});
