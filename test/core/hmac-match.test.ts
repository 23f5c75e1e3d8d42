import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hmacSha256 } from "../../src/core/bytes.js";
import { findHmacMatch } from "../../src/core/hmac-match.js";

const SECRET = "s3cret";
const signed = '{"id":"1","amount":"1","note":"a b"}';
const digest = hmacSha256(SECRET, signed);
const match = (body: string, allowCompact = true) =>
  findHmacMatch(Buffer.from(body), digest, ["other", SECRET], allowCompact);

describe("findHmacMatch", () => {
  it("matches the raw bytes first and says which secret", () => {
    assert.deepEqual(match(signed), { matched: true, form: "raw", secretIndex: 1 });
  });

  it("accepts the body when it differs from the signed bytes only by whitespace outside strings", () => {
    const pretty = JSON.stringify(JSON.parse(signed), null, 2);
    assert.deepEqual(match(pretty), { matched: true, form: "compact", secretIndex: 1 });
    assert.deepEqual(match(pretty, false), { matched: false });
  });

  it("duplicate-key smuggling: refused, naming the key and where it is", () => {
    const smuggled = '{"id":"1","amount":"999999","amount":"1","note":"a b"}';
    const result = match(smuggled);
    assert.equal(result.matched, false);
    assert.equal(
      !result.matched && result.refused,
      'JSON.stringify of the parsed body matches, but the body has duplicate key "amount" at $: a re-serialisation would hide bytes that were never signed',
    );
  });

  it("refuses a duplicate key even when only whitespace separates the body from the signed bytes", () => {
    const dupSigned = '{"a":1,"a":2}';
    const result = findHmacMatch(
      Buffer.from('{ "a": 1, "a": 2 }'),
      hmacSha256(SECRET, dupSigned),
      [SECRET],
      true,
    );
    assert.equal(result.matched, false);
    assert.match((!result.matched && result.refused) || "", /duplicate key "a" at \$/);
  });

  for (const [what, body] of [
    ["an escape the signer did not write", '{"id":"1","amount":"\\u0031","note":"a b"}'],
    ["a different number form", '{"id":"1","amount":"1","note":"a b","n":1.0}'],
  ] as const) {
    it(`refuses a body that needs more than whitespace removed to match: ${what}`, () => {
      const d = hmacSha256(SECRET, JSON.stringify(JSON.parse(body)));
      const result = findHmacMatch(Buffer.from(body), d, [SECRET], true);
      assert.equal(result.matched, false);
      assert.match(
        (!result.matched && result.refused) || "",
        /differs from the body by more than whitespace/,
      );
    });
  }

  it("answers a 5,000-level body that matches nothing, without throwing", () => {
    const deep = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    assert.deepEqual(match(deep), { matched: false });
    assert.deepEqual(match(` ${deep}`), { matched: false });
  });

  it("says why no compact form was tried for a body that is not JSON", () => {
    const result = match("not json");
    assert.equal(result.matched, false);
    assert.match((!result.matched && result.noCompact) || "", /not JSON/);
  });
});
