import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { StaticKeyStore } from "../../src/adapters/jwks.js";
import type { Delivery, HeaderPair } from "../../src/core/delivery.js";
import { diagnose } from "../../src/providers/doctor/index.js";
import { PROVIDERS } from "../../src/providers/index.js";
import { moneykitHeaders, signMoneyKit } from "../../src/providers/moneykit/sign.js";
import { generateSigningKey, jwksOf } from "../../src/providers/signing-key.js";
import { AT, AT_S } from "./mistakes.js";

const key = await generateSigningKey("ES256", "mk-doc");
const keys = new StaticKeyStore(jwksOf([key]), "test");
const event = {
  webhook_event: "link.state_changed",
  webhook_idempotency_key: "i-1",
  link_id: "mk_1",
  note: "Zoë / o-1",
};

async function moneykit(signed: Buffer, received: Buffer, iat: number, extra: HeaderPair[] = []) {
  const jwt = await signMoneyKit(signed, key, { iat });
  const d: Delivery = {
    id: "d",
    method: "POST",
    path: "/",
    headers: [...moneykitHeaders(jwt, "dt", 1), ...extra],
    body: received,
    receivedAt: AT,
  };
  const verdict = await PROVIDERS.moneykit.verify(d, { at: AT, secrets: [], keys });
  return {
    verdict,
    diagnosis: await diagnose("moneykit", d, verdict, { at: AT, secrets: [], candidates: [] }),
  };
}

describe("MoneyKit: the body hash and the token's age", () => {
  test("body_reserialised: the hash matches the pretty original of a compact re-write", async () => {
    const original = Buffer.from(JSON.stringify(event, null, 2));
    const { verdict, diagnosis } = await moneykit(original, Buffer.from(JSON.stringify(event)), AT_S - 5);
    assert.equal(verdict.reason, "body_hash_mismatch");
    assert.deepEqual(
      diagnosis.map((d) => d.code),
      ["body_reserialised"],
    );
  });

  test("timestamp_skew: a 3-hour-old token whose Date header says it was sent just now is a late retry or replay", async () => {
    const body = Buffer.from(JSON.stringify(event));
    const { verdict, diagnosis } = await moneykit(body, body, AT_S - 3 * 3600, [["Date", AT.toUTCString()]]);
    assert.equal(verdict.reason, "token_expired");
    assert.deepEqual(
      diagnosis.map((d) => d.code),
      ["timestamp_skew"],
    );
    assert.match(diagnosis[0]?.detail ?? "", /3\.0 h after its signed time.*late retry or a replay/);
  });

  test("a body that is simply different gets no diagnosis", async () => {
    const { verdict, diagnosis } = await moneykit(
      Buffer.from(JSON.stringify(event)),
      Buffer.from(JSON.stringify({ ...event, link_id: "mk_2" })),
      AT_S - 5,
    );
    assert.equal(verdict.reason, "body_hash_mismatch");
    assert.deepEqual(diagnosis, []);
  });
});
