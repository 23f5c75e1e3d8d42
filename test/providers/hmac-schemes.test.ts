import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hmacSha256 } from "../../src/core/bytes.js";
import { PROVIDER_IDS } from "../../src/core/provider-id.js";
import { PROVIDERS } from "../../src/providers/index.js";

const BODY = Buffer.from('{"id":"evt_1","kind":"ping","n":1}');
const SECRET = "whs-scheme-secret";

// Sign and parse live in one object per provider; here they must agree, so they cannot drift.
describe("HMAC schemes: sign → parse round trip", () => {
  const hmacProviders = PROVIDER_IDS.filter((id) => PROVIDERS[id].hmac !== null);

  it("covers every HMAC provider", () => assert.ok(hmacProviders.length >= 3));

  for (const id of hmacProviders) {
    const scheme = PROVIDERS[id].hmac;
    if (!scheme) continue;
    it(`${id}: parse(sign(body)) is the HMAC-SHA256 of the body`, () => {
      const value = scheme.sign(BODY, SECRET);
      const digest = scheme.parse(value);
      assert.ok(digest, `${scheme.header}: ${value} did not parse`);
      assert.deepEqual(Buffer.from(digest), hmacSha256(SECRET, BODY));
      assert.equal(PROVIDERS[id].detect([[scheme.header, value]]), true, "detect recognises it");
    });
    it(`${id}: a value cut short does not parse`, () => {
      const value = scheme.sign(BODY, SECRET);
      assert.equal(scheme.parse(value.slice(0, -4)), undefined);
    });
  }
});
