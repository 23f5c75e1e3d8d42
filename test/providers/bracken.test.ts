import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { signBracken } from "../../src/providers/bracken/sign.js";
import { verifyBracken } from "../../src/providers/bracken/verify.js";
import { AT, flipByte, json, makeDelivery, withHeader } from "../helpers/deliveries.js";

const SECRET = "Zq3-bracken-test-secret";
const BODY = json({ Event: "User_Create", DomainKey: 4521, Username: "Test-User", UserId: 9182 });

const signed = (body: Buffer = BODY, secret = SECRET) =>
  makeDelivery(
    [
      ["Content-Type", "application/json"],
      ["Authorization", signBracken(body, secret)],
    ],
    body,
  );
const verify = (d: ReturnType<typeof signed>, secrets = [SECRET]) => verifyBracken(d, { at: AT, secrets });

describe("bracken verifier", () => {
  it("verifies a delivery signed by its twin", async () => {
    const v = await verify(signed());
    assert.equal(v.verified, true);
    assert.deepEqual(
      v.checks.map((c) => c.name),
      ["signature-header", "signature", "body"],
    );
    assert.equal(v.event, "User_Create");
    assert.match(v.dedupeKey ?? "", /^sha256:[0-9a-f]{64}$/);
  });

  it("signs exactly as the Bracken tutorial's Node code computes it", () => {
    const tutorial = `HMACSHA256 ${createHmac("sha256", SECRET)
      .update(JSON.stringify(JSON.parse(BODY.toString())))
      .digest("base64")}`;
    assert.equal(signBracken(BODY, SECRET), tutorial);
  });

  it("rejects a flipped body byte, the wrong secret, a missing header", async () => {
    const d = signed();
    assert.equal((await verify({ ...d, body: flipByte(d.body, 5) })).reason, "signature_mismatch");
    assert.equal((await verify(d, ["nope"])).reason, "signature_mismatch");
    assert.equal(
      (await verify({ ...d, headers: withHeader(d.headers, "Authorization", undefined) })).reason,
      "missing_header",
    );
  });

  for (const bad of ["Bearer abc", "HMACSHA256", "HMACSHA256 !!!!", "HMACSHA256 c2hvcnQ=", "HMACSHA1 abc="]) {
    it(`reports a malformed Authorization ${JSON.stringify(bad)}`, async () => {
      const d = signed();
      const v = await verify({ ...d, headers: withHeader(d.headers, "Authorization", bad) });
      assert.equal(v.reason, "malformed_header");
    });
  }

  it("accepts an old secret in a rotation list", async () => {
    const v = await verify(signed(BODY, "old"), ["new", "old"]);
    assert.equal(v.verified, true);
  });

  it("says when only the compact re-serialisation matched", async () => {
    const spaced = Buffer.from(JSON.stringify(JSON.parse(BODY.toString()), null, 1));
    const d = makeDelivery([["Authorization", signBracken(BODY, SECRET)]], spaced);
    const v = await verify(d);
    assert.equal(v.verified, true);
    assert.equal(v.meta.signedForm, "compact");
  });

  it("verifies the HMAC of a non-JSON body, then fails with malformed_body", async () => {
    const v = await verify(signed(Buffer.from([0xff, 0x00, 0x13])));
    assert.equal(v.checks[1]?.ok, true);
    assert.equal(v.reason, "malformed_body");
  });
});
