import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fromBase64, fromHex, preview, safeEqual, safeEqualHidingLength } from "../../src/core/bytes.js";

describe("bytes", () => {
  it("safeEqual compares content and length", () => {
    assert.equal(safeEqual(Buffer.from("abc"), Buffer.from("abc")), true);
    assert.equal(safeEqual(Buffer.from("abc"), Buffer.from("abd")), false);
    assert.equal(safeEqual(Buffer.from("abc"), Buffer.from("abcd")), false);
    assert.equal(safeEqual(Buffer.alloc(0), Buffer.alloc(0)), true);
  });
  it("safeEqualHidingLength (credentials) compares content and length too", () => {
    assert.equal(safeEqualHidingLength(Buffer.from("abc"), Buffer.from("abc")), true);
    assert.equal(safeEqualHidingLength(Buffer.from("abc"), Buffer.from("abd")), false);
    assert.equal(safeEqualHidingLength(Buffer.from("abc"), Buffer.from("abcd")), false);
    assert.equal(safeEqualHidingLength(Buffer.from("abc\0"), Buffer.from("abc")), false);
  });
  it("fromHex and fromBase64 are strict about alphabet and length", () => {
    assert.equal(fromHex("0a".repeat(32), 32)?.length, 32);
    assert.equal(fromHex("0g".repeat(32), 32), undefined);
    assert.equal(fromHex("0a".repeat(31), 32), undefined);
    const b64 = Buffer.alloc(32, 7).toString("base64");
    assert.equal(fromBase64(b64, 32)?.length, 32);
    assert.equal(fromBase64(b64.slice(0, -1), 32), undefined);
    assert.equal(fromBase64(b64.replace("=", "-"), 32), undefined);
  });
  it("preview makes hostile values printable and short", () => {
    assert.equal(preview("a\u0000b\u001b[31m"), "a?b?[31m");
    assert.match(preview("x".repeat(100)), /… \(100 chars\)$/);
  });
});
