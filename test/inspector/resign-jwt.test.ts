import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { decodeJwt } from "jose";
import { checkKey } from "../../src/check/keys.js";
import type { HeaderPair } from "../../src/core/delivery.js";
import { canResign, resign, type SigningMaterial } from "../../src/inspector/resign.js";
import { signMoneyKit } from "../../src/providers/moneykit/sign.js";
import { ppsHeaders, signPpsToken } from "../../src/providers/pps/sign.js";
import { generateSigningKey } from "../../src/providers/signing-key.js";
import { tempDir } from "../helpers/tmp.js";

const NOW = new Date("2026-11-23T12:00:00.000Z");
const OLD_IAT = 1_700_000_000;

describe("re-signing JWT providers with whtool's test key only", async () => {
  const cwd = tempDir();
  const material: SigningMaterial = {
    secret: async () => undefined,
    testKey: (alg) => checkKey(cwd, alg),
  };

  test("MoneyKit: a delivery signed with the test key gets a fresh iat; one from another key is not offered", async () => {
    const body = Buffer.from('{"webhook_event":"link.state_changed"}');
    const key = await checkKey(cwd, "ES256");
    const token = await signMoneyKit(body, key, { iat: OLD_IAT, issuer: "http://127.0.0.1:4998" });
    const headers: HeaderPair[] = [
      ["Content-Type", "application/json"],
      ["MoneyKit-Signature", token],
    ];
    assert.equal(await canResign("moneykit", headers, material), true);
    const fresh = await resign("moneykit", headers, body, material, NOW);
    const claims = decodeJwt(fresh?.headers[1]?.[1] ?? "");
    assert.equal(claims.iat, NOW.getTime() / 1000);
    assert.equal(claims.iss, "http://127.0.0.1:4998");
    assert.deepEqual(fresh?.body, body);

    const foreign = await signMoneyKit(body, await generateSigningKey("ES256"), { iat: OLD_IAT });
    assert.equal(await canResign("moneykit", [["MoneyKit-Signature", foreign]], material), false);
  });

  test("PointServices: a fresh token (same issuer and audience) and triggered-at, headers in place", async () => {
    const key = await checkKey(cwd, "RS256");
    const token = await signPpsToken(key, {
      issuer: "http://127.0.0.1:4998/issuer",
      audience: "whtool-check",
      subject: "s",
      iat: OLD_IAT,
    });
    const headers = ppsHeaders(token, {
      topic: "orders/placed",
      tenantId: "OU1",
      webhookId: "w-1",
      triggeredAt: "2023-11-14T22:13:20.0000000Z",
    });
    const fresh = await resign("pps", headers, Buffer.from("{}"), material, NOW);
    assert.deepEqual(
      fresh?.headers.map(([n]) => n),
      headers.map(([n]) => n),
    );
    const claims = decodeJwt((fresh?.headers.find(([n]) => n === "Authorization")?.[1] ?? "").slice(7));
    assert.equal(claims.iat, NOW.getTime() / 1000);
    assert.equal(claims.aud, "whtool-check");
    assert.equal(claims.iss, "http://127.0.0.1:4998/issuer");
    assert.match(
      fresh?.headers.find(([n]) => n === "X-Pps-Triggered-At")?.[1] ?? "",
      /^2026-11-23T12:00:00\.000/,
    );
  });
});
