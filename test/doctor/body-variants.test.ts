import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  pythonSortedRewrite,
  reserialisedForms,
  whitespaceForms,
} from "../../src/providers/doctor/body-variants.js";
import { jsonShape } from "../../src/providers/doctor/json-shape.js";
import { dfnsEvent, python } from "./mistakes.js";

const has = (forms: { bytes: Uint8Array }[], bytes: Uint8Array) =>
  forms.some((form) => Buffer.from(form.bytes).equals(Buffer.from(bytes)));

describe("reserialisedForms rebuilds what real serialisers wrote", () => {
  const value = dfnsEvent();
  const compact = Buffer.from(JSON.stringify(value));

  for (const [name, script] of [
    ["json.dumps default (', ' separators, ensure_ascii)", "json.dumps(v)"],
    ["json.dumps(sort_keys=True)", "json.dumps(v, sort_keys=True)"],
    ["json.dumps(ensure_ascii=False, indent=2)", "json.dumps(v, ensure_ascii=False, indent=2)"],
    ["json.dumps(indent=4, sort_keys=True)", "json.dumps(v, indent=4, sort_keys=True)"],
    [
      "compact with \\/ escapes (PHP json_encode)",
      "json.dumps(v, separators=(',', ':')).replace('/', '\\\\/')",
    ],
  ] as const)
    test(`Python ${name}`, () => {
      const written = python(`import json,sys; v=json.load(sys.stdin); sys.stdout.write(${script})`, compact);
      assert.ok(!written.equals(compact));
      assert.ok(has([...reserialisedForms(compact)], written), written.toString());
    });

  test("JSON.stringify pretty and compact from a Python-written body", () => {
    const written = python("import json,sys; sys.stdout.write(json.dumps(json.load(sys.stdin)))", compact);
    const forms = [...reserialisedForms(written)];
    assert.ok(has(forms, compact));
    assert.ok(has(forms, Buffer.from(JSON.stringify(value, null, 2))));
  });

  test("never offers the received bytes themselves, nor the same form twice", () => {
    const forms = [...reserialisedForms(compact)];
    assert.ok(!has(forms, compact));
    const keys = forms.map((f) => Buffer.from(f.bytes).toString("hex"));
    assert.equal(new Set(keys).size, keys.length);
  });

  test("regression: a 5,000-level body is left alone instead of overflowing the stack", () => {
    const deep = Buffer.from(`${"[".repeat(5000)}${"]".repeat(5000)}`);
    assert.deepEqual([...reserialisedForms(deep)], []);
    assert.equal(jsonShape(deep.toString()).depth, 5000);
  });

  test("non-JSON bodies have no re-serialised forms", () => {
    assert.deepEqual([...reserialisedForms(Buffer.from("a=1&b=2"))], []);
  });
});

describe("pythonSortedRewrite", () => {
  test("knows json.dumps(sort_keys=True) output, and not what JavaScript or a provider writes", () => {
    const compact = Buffer.from(JSON.stringify(dfnsEvent()));
    const sorted = python(
      "import json,sys; sys.stdout.write(json.dumps(json.load(sys.stdin), sort_keys=True))",
      compact,
    );
    assert.equal(pythonSortedRewrite(sorted), "json.dumps(sort_keys=True)");
    assert.equal(pythonSortedRewrite(compact), undefined);
    assert.equal(pythonSortedRewrite(Buffer.from(JSON.stringify(JSON.parse(sorted.toString())))), undefined);
    assert.equal(pythonSortedRewrite(Buffer.from('{"a": 1}')), undefined);
  });
});

describe("whitespaceForms", () => {
  test("undoes a proxy's added newline, a BOM, and adds a dropped newline", () => {
    const body = Buffer.from('{"a":1}');
    assert.ok(has(whitespaceForms(Buffer.from('{"a":1}\n')), body));
    assert.ok(has(whitespaceForms(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body])), body));
    assert.ok(has(whitespaceForms(body), Buffer.from('{"a":1}\n')));
  });
});

describe("jsonShape", () => {
  test("sees JSON cut short, ignoring brackets inside strings", () => {
    assert.equal(jsonShape('{"a":"]}"}').unterminated, false);
    assert.equal(jsonShape('{"a":{"b":1}').unterminated, true);
    assert.equal(jsonShape('{"a":"x').unterminated, true);
  });
});
