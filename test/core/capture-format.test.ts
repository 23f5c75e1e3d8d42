import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  followUpRecord,
  leadingRecordId,
  parseCaptureText,
  serialiseRecord,
  toDelivery,
  toRecord,
} from "../../src/core/capture-format.js";
import { captureOf } from "../helpers/captures.js";
import { makeDelivery } from "../helpers/deliveries.js";

const bytes = Buffer.from([0x00, 0xff, 0x7b, 0x22, 0x0a, 0x0d]);
const delivery = {
  ...makeDelivery(
    [
      ["Content-Type", "application/json"],
      ["X-Dup", "1"],
      ["x-dup", "2"],
    ],
    bytes,
  ),
  remote: "127.0.0.1",
};
const line = serialiseRecord(
  toRecord(delivery, { provider: "dfns", verdict: null, response: { status: 200 } }),
);

describe("capture format", () => {
  it("round-trips exact bytes and every header in order, repeated names included", () => {
    const { records, warnings } = parseCaptureText(line, "t");
    assert.deepEqual(warnings, []);
    const back = toDelivery(records[0] as NonNullable<(typeof records)[0]>);
    assert.deepEqual(Buffer.from(back.body), bytes);
    assert.deepEqual(back.headers, delivery.headers);
    assert.equal(back.receivedAt.toISOString(), delivery.receivedAt.toISOString());
    assert.equal(back.remote, "127.0.0.1");
  });

  it("leadingRecordId reads the id of a line serialiseRecord wrote, and nothing else", () => {
    const record = toRecord(
      { ...delivery, id: "d_0mh1abc0000000001f" },
      { provider: "dfns", verdict: null, response: null },
    );
    assert.equal(leadingRecordId(serialiseRecord(record)), "d_0mh1abc0000000001f");
    const followUp = followUpRecord(
      "d_x",
      new Date(),
      {
        url: "http://127.0.0.1:1/",
        status: 200,
        error: null,
        durationMs: 1,
        headers: [],
        body: new Uint8Array(),
      },
      200,
    );
    assert.equal(leadingRecordId(serialiseRecord(followUp)), undefined, "a follow-up line is no delivery");
    // Ids with escapes, or lines in another field order, are left to the parser.
    assert.equal(leadingRecordId('{"v":1,"id":"a\\u0062",'), undefined);
    assert.equal(leadingRecordId('{"id":"a","v":1}'), undefined);
    assert.equal(leadingRecordId('{"v":1,"id":"a"}'), undefined);
  });

  it("a well-formed follow-up line is skipped silently; one with the wrong shape is warned about", () => {
    const followUp = followUpRecord(
      "d_x",
      new Date(),
      {
        url: "http://127.0.0.1:1/",
        status: 502,
        error: null,
        durationMs: 1,
        headers: [],
        body: new Uint8Array(),
      },
      502,
    );
    const bad = { ...followUp, forward: { ...followUp.forward, headers: "x-injected" } };
    const { records, warnings } = parseCaptureText(
      `${serialiseRecord(followUp)}${JSON.stringify(bad)}\n`,
      "t",
    );
    assert.deepEqual(records, []);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? "", /t:2: not a capture record/);
  });

  it("writes the SPEC's field names", () => {
    const record = JSON.parse(line) as Record<string, unknown>;
    for (const key of [
      "v",
      "id",
      "receivedAt",
      "method",
      "path",
      "remote",
      "headers",
      "bodyBase64",
      "provider",
      "verdict",
      "response",
    ])
      assert.ok(key in record, key);
    assert.equal(record.v, 1);
  });

  it("skips a truncated last line with a warning and keeps every other line", () => {
    const text = line + line + line.slice(0, 40);
    const { records, warnings } = parseCaptureText(text, "cap.jsonl");
    assert.equal(records.length, 2);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? "", /last line is truncated/);
  });

  it("names a corrupt line in the middle and keeps the lines around it", () => {
    const text = `${line}{"v":1,"garbage\n${line}`;
    const { records, warnings } = parseCaptureText(text, "cap.jsonl");
    assert.equal(records.length, 2);
    assert.match(warnings[0] ?? "", /cap\.jsonl:2: not JSON/);
  });

  it("rejects records that are JSON but not captures, saying why", () => {
    const bad = [
      '{"v":2,"id":"a"}',
      '{"v":1,"id":"a","receivedAt":"2026-01-01T00:00:00Z","method":"POST","path":"/","headers":[["a"]],"bodyBase64":""}',
      '{"v":1,"id":"a","receivedAt":"yesterday","method":"POST","path":"/","headers":[],"bodyBase64":""}',
      '{"v":1,"id":"a","receivedAt":"2026-01-01T00:00:00Z","method":"POST","path":"/","headers":[],"bodyBase64":"$$"}',
      "[]",
    ];
    const { records, warnings } = parseCaptureText(`${bad.join("\n")}\n`, "f");
    assert.equal(records.length, 0);
    assert.equal(warnings.length, bad.length);
    assert.match(warnings[0] ?? "", /unsupported version/);
  });

  it("reads an empty file as no records and no warnings; tolerates CRLF", () => {
    assert.deepEqual(parseCaptureText("", "f"), { records: [], warnings: [] });
    assert.equal(parseCaptureText(line.replace("\n", "\r\n"), "f").records.length, 1);
  });
});

describe("capture reader: hostile lines", () => {
  it("regression: a version nested 5,000 levels deep threw a stack overflow and lost the whole file", () => {
    const deep = `{"v":${"[".repeat(5000)}${"]".repeat(5000)}}`;
    const good = serialiseRecord(captureOf("ok-1", [], "{}", new Date("2026-11-23T10:00:00Z")));
    const parsed = parseCaptureText(`${deep}\n${good}`, "c.jsonl");
    assert.deepEqual(
      parsed.records.map((r) => r.id),
      ["ok-1"],
    );
    assert.deepEqual(parsed.warnings, [
      "c.jsonl:1: not a capture record (unsupported version (an array) (this whtool reads v 1)): skipped",
    ]);
  });
});
