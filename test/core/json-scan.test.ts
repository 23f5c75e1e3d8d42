import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseJsonBody, scanJsonBody } from "../../src/core/json-body.js";
import { scanJson } from "../../src/core/json-scan.js";

const deep = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;

describe("scanJson", () => {
  it("removes whitespace between tokens and keeps strings byte for byte", () => {
    const scan = scanJson(' {\n\t"a b" : [ 1 , -2.5e+3 , "x\\" y" ] ,\r\n "c":{ } , "d" : null } ');
    assert.equal(scan.ok, true);
    if (!scan.ok) return;
    assert.equal(scan.stripped, '{"a b":[1,-2.5e+3,"x\\" y"],"c":{},"d":null}');
    assert.equal(scan.depth, 2);
    assert.equal(scan.duplicate, undefined);
  });

  it("agrees with JSON.parse on what is JSON", () => {
    const good = ["0", '""', "[]", "{}", "true", " false ", "null", '{"a":[{}]}', '"\\u00e9\\n"', "-0.0e-0"];
    const bad = [
      "",
      "[",
      "]",
      "{,}",
      "[1,]",
      '{"a"}',
      '{"a":}',
      "01",
      "1.",
      ".5",
      "tru",
      "[1 2]",
      '{"a":1,}',
      '"\t"',
      '"\\x"',
      "\uFEFF{}",
      "{} {}",
      "NaN",
      "'a'",
    ];
    for (const text of good) assert.equal(scanJson(text).ok, true, text);
    for (const text of bad) {
      assert.equal(scanJson(text).ok, false, JSON.stringify(text));
      assert.throws(() => JSON.parse(text), JSON.stringify(text));
    }
  });

  it("finds a duplicate key, decoded, with the path of its object", () => {
    const scan = scanJson('{"data":[{"x":1},{"amount":"999999","\\u0061mount":"1"}]}');
    assert.equal(scan.ok, true);
    if (scan.ok) assert.deepEqual(scan.duplicate, { key: "amount", path: "$.data[1]" });
    const root = scanJson('{"a":1,"a":2}');
    if (root.ok) assert.deepEqual(root.duplicate, { key: "a", path: "$" });
    const odd = scanJson('{"odd key":{"k":1,"k":1}}');
    if (odd.ok) assert.deepEqual(odd.duplicate, { key: "k", path: '$["odd key"]' });
  });

  it("keeps a duplicate's path short when it sits thousands of levels deep", () => {
    const scan = scanJson(`${'{"a":'.repeat(5000)}{"k":1,"k":2}${"}".repeat(5000)}`);
    assert.equal(scan.ok, true);
    if (scan.ok) assert.equal(scan.duplicate?.path, `$${".a".repeat(8)}…(4984 levels)…${".a".repeat(8)}`);
  });

  it("reports where the text stops being JSON", () => {
    const scan = scanJson('{"a":1 "b"}');
    assert.equal(scan.ok, false);
    if (!scan.ok) assert.match(scan.detail, /expected "," or "}" at offset 7/);
  });

  it("scans 100,000 levels of nesting without recursion", () => {
    const scan = scanJson(deep(100_000));
    assert.equal(scan.ok, true);
    if (scan.ok) assert.equal(scan.depth, 100_000);
    const unclosed = scanJson("[".repeat(100_000));
    assert.equal(unclosed.ok, false);
  });
});

describe("parseJsonBody / scanJsonBody", () => {
  it("reads a 100,000-level body without overflowing the stack (V8's JSON.parse is iterative)", () => {
    const body = scanJsonBody(Buffer.from(`{"kind":"x","data":${deep(100_000)}}`));
    assert.equal(body.ok, true);
    if (body.ok) {
      assert.equal((body.value as { kind: string }).kind, "x");
      assert.equal(body.scan.depth, 100_001);
    }
  });

  it("reports invalid UTF-8, a BOM and non-JSON as details, never throws", () => {
    for (const bytes of [Buffer.from([0xff, 0xfe]), Buffer.from("\uFEFF{}"), Buffer.from("{")]) {
      assert.equal(parseJsonBody(bytes).ok, false);
      assert.equal(scanJsonBody(bytes).ok, false);
    }
  });
});
