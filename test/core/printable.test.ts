import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { jsonPrintable, printable } from "../../src/core/printable.js";

/** Everything printable() must never let through raw. */
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/u;
// With the u flag a surrogate range only matches a surrogate that is not half of a pair.
const hasLoneSurrogate = (s: string) => /[\ud800-\udfff]/u.test(s);

describe("printable", () => {
  it("shows ESC, CR, LF and TAB as visible escapes", () => {
    assert.equal(printable("a\u001b[32mb\r\nc\td"), "a\\u001b[32mb\\r\\nc\\td");
    assert.equal(printable("\u0000\u0007\u007f\u009b"), "\\u0000\\u0007\\u007f\\u009b");
  });

  it("escapes bidi overrides and isolates, zero-width characters and line/paragraph separators", () => {
    assert.equal(
      printable("x\u202ey\u2066z\u2069\u200b\u200d\u2028\u2029\ufeff"),
      "x\\u202ey\\u2066z\\u2069\\u200b\\u200d\\u2028\\u2029\\ufeff",
    );
  });

  it("escapes lone surrogates but keeps well-formed pairs (emoji)", () => {
    assert.equal(printable("a\ud800b\udc00c"), "a\\ud800b\\udc00c");
    assert.equal(printable("ok 🎉 ✓ é 漢"), "ok 🎉 ✓ é 漢");
    assert.equal(printable("end\ud83d"), "end\\ud83d");
  });

  it("returns safe text unchanged", () => {
    const s = "wallet.transfer.confirmed whe-1 sha256=ab";
    assert.equal(printable(s), s);
  });

  it("escapes every unsafe code unit of the BMP, alone amid safe text (the fast path misses none)", () => {
    for (let code = 0; code <= 0xffff; code++) {
      const s = `ok ${String.fromCharCode(code)} ok`;
      for (const out of [printable(s), jsonPrintable(s)]) {
        assert.ok(!UNSAFE.test(out), `U+${code.toString(16)} came through: ${JSON.stringify(out)}`);
        assert.ok(!hasLoneSurrogate(out), `lone surrogate U+${code.toString(16)} came through`);
      }
    }
  });

  it("never lets an unsafe character through, whatever the input", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const out = printable(s);
        assert.ok(!UNSAFE.test(out), JSON.stringify(out));
        assert.ok(!hasLoneSurrogate(out));
      }),
    );
  });
});

describe("jsonPrintable", () => {
  it("escapes bidi, C1 and U+2028/2029 that JSON.stringify leaves raw, and still parses to the same value", () => {
    const value = { kind: "a\u202eb\u2028c\u009bd\u200be\u007f", ok: "✓ 🎉" };
    const raw = JSON.stringify(value);
    assert.match(raw, /\u202e/u, "JSON.stringify alone leaves it raw");
    const safe = jsonPrintable(raw);
    assert.ok(!UNSAFE.test(safe), safe);
    assert.deepEqual(JSON.parse(safe), value);
  });

  it("keeps any JSON value equal after escaping", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: "binary" }), (value, s) => {
        const text = jsonPrintable(JSON.stringify({ value, s }));
        assert.ok(!UNSAFE.test(text));
        assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify({ value, s })));
      }),
    );
  });
});
