import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import { readCaptureFile } from "../../src/adapters/capture.js";
import { MAX_CAPTURE_LINE_BYTES, readCaptureStream } from "../../src/adapters/capture-reader.js";
import { type CaptureRecord, parseCaptureText, serialiseRecord } from "../../src/core/capture-format.js";
import { captureOf } from "../helpers/captures.js";
import { tempDir } from "../helpers/tmp.js";

const line = (id: string, body = "héllo wörld ✓") =>
  serialiseRecord(captureOf(id, [["X-Id", id]], body, new Date("2026-11-23T10:00:00Z")));

/** Splits bytes into chunks cut at the given offsets, as a stream would deliver them. */
function chunked(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    if (point > start) chunks.push(bytes.subarray(start, point));
    start = Math.max(start, point);
  }
  return chunks;
}

async function readAll(
  chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array>,
  maxLineBytes?: number,
) {
  const records: CaptureRecord[] = [];
  const warnings: string[] = [];
  const source = (async function* () {
    yield* chunks;
  })();
  for await (const item of readCaptureStream(source, "cap.jsonl", maxLineBytes ? { maxLineBytes } : {})) {
    if ("record" in item) records.push(item.record);
    else warnings.push(item.warning);
  }
  return { records, warnings };
}

describe("readCaptureStream", () => {
  it("skips a truncated last line and names a corrupt middle line, keeping every good line", async () => {
    const text = `${line("a")}{"v":1,"garbage\n${line("b")}${line("c").slice(0, 40)}`;
    const { records, warnings } = await readAll(chunked(Buffer.from(text), [10, 300, 301]));
    assert.deepEqual(
      records.map((r) => r.id),
      ["a", "b"],
    );
    assert.equal(warnings.length, 2);
    assert.match(warnings[0] ?? "", /^cap\.jsonl:2: not JSON: skipped$/);
    assert.match(warnings[1] ?? "", /last line is truncated \(40 chars, no newline/);
  });

  it("reads what parseCaptureText reads, however the bytes are cut into chunks", async () => {
    const pieces = fc.constantFrom(
      line("good-1"),
      line("good-2", "日本語の本文"),
      "\n",
      "   \n",
      '{"v":2,"id":"x"}\n',
      "not json at all\n",
      line("crlf").replace("\n", "\r\n"),
    );
    const tail = fc.constantFrom("", line("cut").slice(0, 25), "{}", line("whole-no-newline").trimEnd());
    await fc.assert(
      fc.asyncProperty(
        fc.array(pieces, { maxLength: 12 }),
        tail,
        fc.array(fc.nat(), { maxLength: 20 }),
        async (body, end, cuts) => {
          const text = body.join("") + end;
          const streamed = await readAll(chunked(Buffer.from(text), cuts));
          assert.deepEqual(streamed, parseCaptureText(text, "cap.jsonl"));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("skips a line longer than the cap with a warning and reads the lines after it", async () => {
    const cap = 64 * 1024;
    const huge = `{"v":1,"id":"huge","pad":"${"x".repeat(5 * cap)}"}\n`;
    const bytes = Buffer.from(line("before") + huge + line("after"));
    const { records, warnings } = await readAll(chunked(bytes, [100, 1000, 70_000, 200_000, 300_000]), cap);
    assert.deepEqual(
      records.map((r) => r.id),
      ["before", "after"],
    );
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0] ?? "",
      new RegExp(`^cap\\.jsonl:2: line of ${huge.length - 1} bytes is over the ${cap}-byte limit: skipped$`),
    );
    assert.equal(MAX_CAPTURE_LINE_BYTES, 64 * 1024 * 1024);
  });

  it("skips an over-long unterminated last line too", async () => {
    const { records, warnings } = await readAll([Buffer.from(`${line("a")}${"y".repeat(5000)}`)], 1000);
    assert.deepEqual(
      records.map((r) => r.id),
      ["a"],
    );
    assert.match(warnings[0] ?? "", /cap\.jsonl:2: line of 5000 bytes is over the 1000-byte limit/);
  });

  it("reads a file through readCaptureFile in order, across many read chunks", async () => {
    const path = join(tempDir(), "c.jsonl");
    const ids = Array.from({ length: 3000 }, (_, n) => `d${n}`);
    writeFileSync(path, ids.map((id) => line(id, "z".repeat(900))).join(""));
    const { records, warnings } = await readCaptureFile(path);
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      records.map((r) => r.id),
      ids,
    );
  });
});
