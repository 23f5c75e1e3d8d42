import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { signKopoKopo } from "../../src/providers/kopokopo/sign.js";
import { verifyKopoKopo } from "../../src/providers/kopokopo/verify.js";
import { AT, flipByte, makeDelivery, withHeader } from "../helpers/deliveries.js";

// The official Node SDK's own test vector (see test/fixtures/kopokopo/README.md).
const SDK_BODY = readFileSync(
  new URL("../../../test/fixtures/kopokopo/k2-connect-node-buygoods.json", import.meta.url),
);
const SDK_API_KEY = "8463vr8472a2372763787b7dec3dbe49879323gg32";
const SDK_SIGNATURE = "2003545dc9b861a76613aeaee238a6acf57ef61d9ff06c6dcab16f43bea0198b";
const H = "X-KopoKopo-Signature";

const sdkDelivery = () =>
  makeDelivery(
    [
      ["Content-Type", "application/json"],
      [H, SDK_SIGNATURE],
    ],
    SDK_BODY,
  );
const verify = (d: ReturnType<typeof sdkDelivery>, secrets = [SDK_API_KEY]) =>
  verifyKopoKopo(d, { at: AT, secrets });

describe("kopokopo verifier", () => {
  it("verifies the k2-connect-node SDK test vector byte for byte", async () => {
    assert.equal(SDK_BODY.length, 722);
    const v = await verify(sdkDelivery());
    assert.equal(v.verified, true);
    assert.equal(v.meta.signedForm, "raw");
    assert.equal(v.event, "buygoods_transaction_received");
    assert.equal(
      v.dedupeKey,
      "https://sandbox.kopokopo.com/webhook_events/2133dbfb-24b9-40fc-ae57-2d7559785760",
    );
  });

  it("its signing twin reproduces the SDK's expected signature", () => {
    assert.equal(signKopoKopo(SDK_BODY, SDK_API_KEY), SDK_SIGNATURE);
  });

  it("rejects the vector under the client secret instead of the API key", async () => {
    assert.equal((await verify(sdkDelivery(), ["client-secret-not-api-key"])).reason, "signature_mismatch");
  });

  it("rejects a flipped byte, a missing header, malformed headers", async () => {
    const d = sdkDelivery();
    assert.equal((await verify({ ...d, body: flipByte(d.body, 100) })).reason, "signature_mismatch");
    assert.equal(
      (await verify({ ...d, headers: withHeader(d.headers, H, undefined) })).reason,
      "missing_header",
    );
    for (const bad of [`sha256=${SDK_SIGNATURE}`, SDK_SIGNATURE.slice(1), "xyz", ""]) {
      assert.equal(
        (await verify({ ...d, headers: withHeader(d.headers, H, bad) })).reason,
        "malformed_header",
        bad,
      );
    }
  });

  it("accepts upper-case hex (same bytes)", async () => {
    const d = sdkDelivery();
    assert.equal(
      (await verify({ ...d, headers: withHeader(d.headers, H, SDK_SIGNATURE.toUpperCase()) })).verified,
      true,
    );
  });

  it("accepts an old API key in a rotation list", async () => {
    assert.equal((await verify(sdkDelivery(), ["new-key", SDK_API_KEY])).verified, true);
  });

  it("fails a signed body without topic or _links.self with malformed_body", async () => {
    const body = Buffer.from('{"topic":"buygoods_transaction_received"}');
    const d = makeDelivery([[H, signKopoKopo(body, SDK_API_KEY)]], body);
    const v = await verify(d);
    assert.equal(v.checks[1]?.ok, true);
    assert.equal(v.reason, "malformed_body");
  });

  it("reads incoming-payment results and Daraja-format bodies, signed the same way", async () => {
    const result = Buffer.from(
      JSON.stringify({
        data: {
          id: "pay-1",
          type: "incoming_payment",
          attributes: {
            status: "Success",
            _links: { callback_url: "https://x/cb", self: "https://k2/api/v1/incoming_payments/pay-1" },
          },
        },
      }),
    );
    const r = await verify(makeDelivery([[H, signKopoKopo(result, SDK_API_KEY)]], result));
    assert.deepEqual(
      [r.verified, r.event, r.dedupeKey],
      [true, "incoming_payment", "https://k2/api/v1/incoming_payments/pay-1"],
    );
    const daraja = Buffer.from(
      JSON.stringify({ TransactionType: "Pay Bill", TransID: "OJM6Q1W84K", TransAmount: "100.0" }),
    );
    const d = await verify(makeDelivery([[H, signKopoKopo(daraja, SDK_API_KEY)]], daraja));
    assert.deepEqual([d.verified, d.event, d.dedupeKey], [true, "daraja:Pay Bill", "daraja:OJM6Q1W84K"]);
  });
});
