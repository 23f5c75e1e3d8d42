import assert from "node:assert/strict";
import { chmodSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { CaptureWriter, readCaptureFile } from "../../src/adapters/capture.js";
import { toDelivery, toRecord } from "../../src/core/capture-format.js";
import { makeDelivery } from "../helpers/deliveries.js";
import { tempDir } from "../helpers/tmp.js";

const record = (n: number) =>
  toRecord(
    { ...makeDelivery([["X-N", String(n)]], Buffer.from(`body ${n}`)), id: `d${n}` },
    {
      provider: null,
      verdict: null,
      response: null,
    },
  );

describe("CaptureWriter", () => {
  it("creates the folder and a 0600 file, and appends whole lines in call order", async () => {
    const dir = tempDir();
    const path = join(dir, "nested", ".whtool", "captures.jsonl");
    const writer = await CaptureWriter.open(path);
    await Promise.all(Array.from({ length: 200 }, (_, n) => writer.append(record(n))));
    await writer.close();
    await writer.close(); // idempotent
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, "nested", ".whtool")).mode & 0o777, 0o700);
    const { records, warnings } = await readCaptureFile(path);
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      records.map((r) => r.id),
      Array.from({ length: 200 }, (_, n) => `d${n}`),
    );
    assert.equal(Buffer.from(toDelivery(records[7] as (typeof records)[0]).body).toString(), "body 7");
  });

  it("tightens an existing capture file to 0600 and appends after what it held", async () => {
    const path = join(tempDir(), "c.jsonl");
    writeFileSync(path, `${JSON.stringify(record(0))}\n`);
    chmodSync(path, 0o644);
    const writer = await CaptureWriter.open(path);
    await writer.append(record(1));
    await writer.close();
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(readFileSync(path, "utf8").trim().split("\n").length, 2);
  });

  it("refuses appends after close instead of losing them silently", async () => {
    const writer = await CaptureWriter.open(join(tempDir(), "c.jsonl"));
    await writer.close();
    await assert.rejects(writer.append(record(1)), /closed/);
  });

  it("starts on a fresh line after a last line cut short (regression: the next delivery was glued to it and lost)", async () => {
    const path = join(tempDir(), "c.jsonl");
    writeFileSync(path, `${JSON.stringify(record(0))}\n${JSON.stringify(record(1)).slice(0, 30)}`);
    const writer = await CaptureWriter.open(path);
    await writer.append(record(2));
    await writer.close();
    const { records, warnings } = await readCaptureFile(path);
    assert.deepEqual(
      records.map((r) => r.id),
      ["d0", "d2"],
    );
    assert.match(warnings[0] ?? "", /:2: not JSON: skipped/);
  });
});
