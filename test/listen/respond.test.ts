import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { VerdictBuilder } from "../../src/core/verdict.js";
import { decideStatus } from "../../src/listen/respond.js";

const verified = new VerdictBuilder("dfns").ok();
const forged = new VerdictBuilder("dfns").fail("signature", "signature_mismatch", "no match");
const noSecret = new VerdictBuilder("dfns").fail("secret", "no_secret", "set it");

describe("decideStatus: the one place the answer is decided", () => {
  it("413 and 404 win over a script and a forward target", () => {
    for (const [arrival, status] of [
      ["oversize", 413],
      ["off-path", 404],
    ] as const)
      assert.equal(
        decideStatus({ arrival, verdict: verified, rejectStatus: 401, scripted: 200, forwarded: 202 }),
        status,
      );
  });

  it("a webhook gets the scripted status, else the target's (502 when it did not answer), else the careful default", () => {
    const webhook = { arrival: "webhook", rejectStatus: 403 } as const;
    assert.equal(decideStatus({ ...webhook, verdict: forged, scripted: 200, forwarded: 500 }), 200);
    assert.equal(decideStatus({ ...webhook, verdict: forged, forwarded: 202 }), 202);
    assert.equal(decideStatus({ ...webhook, verdict: verified, forwarded: null }), 502);
    assert.equal(decideStatus({ ...webhook, verdict: verified }), 200);
    assert.equal(decideStatus({ ...webhook, verdict: forged }), 403);
    assert.equal(decideStatus({ ...webhook, verdict: noSecret }), 500);
  });
});
