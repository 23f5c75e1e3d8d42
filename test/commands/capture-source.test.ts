import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, it } from "node:test";
import { captureRecords } from "../../src/commands/capture-source.js";
import type { Context } from "../../src/context.js";
import { serialiseRecord } from "../../src/core/capture-format.js";
import { captureOf } from "../helpers/captures.js";
import { tempDir } from "../helpers/tmp.js";

const line = (id: string) =>
  serialiseRecord(captureOf(id, [], `body ${id}`, new Date("2026-11-23T10:00:00Z")));

function ctx(cwd: string, stdinChunks: string[] = []) {
  const stdin = new PassThrough();
  for (const chunk of stdinChunks) stdin.write(chunk);
  stdin.end();
  let stderr = "";
  const context: Context = {
    env: {},
    cwd,
    stdout: { write: () => true },
    stderr: { write: (s: string) => (stderr += s) },
    stdin,
    now: () => new Date(),
    fetch: globalThis.fetch,
    signal: new AbortController().signal,
  };
  return { context, stderr: () => stderr };
}

async function ids(records: AsyncIterable<{ id: string }>) {
  const out: string[] = [];
  for await (const r of records) out.push(r.id);
  return out;
}

describe("captureRecords", () => {
  it("streams records from a file, writing each warning to stderr as it is met", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "c.jsonl"), `${line("a")}oops\n${line("b")}`);
    const { context, stderr } = ctx(dir);
    const { source, records } = await captureRecords("c.jsonl", context, "hint");
    const iterator = records[Symbol.asyncIterator]();
    assert.equal((await iterator.next()).value?.id, "a");
    assert.equal(stderr(), "", "a warning was written before its line was reached");
    assert.equal((await iterator.next()).value?.id, "b");
    assert.equal(stderr(), "warning: c.jsonl:2: not JSON: skipped\n");
    assert.equal((await iterator.next()).done, true);
    assert.equal(source, "c.jsonl");
  });

  it("reads stdin for -, with a line split across chunks and a truncated tail", async () => {
    const text = `${line("s1")}${line("s2")}{"v":1`;
    const { context, stderr } = ctx(tempDir(), [text.slice(0, 50), text.slice(50, 400), text.slice(400)]);
    const { records } = await captureRecords("-", context, "hint");
    assert.deepEqual(await ids(records), ["s1", "s2"]);
    assert.match(stderr(), /^warning: stdin: last line is truncated/);
  });

  it("a missing file, a folder, or no default capture is a usage error with the hint", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "folder"));
    const { context } = ctx(dir);
    await assert.rejects(
      captureRecords("nope.jsonl", context, "the hint"),
      (e: { exitCode: number; hint: string; message: string }) => {
        assert.equal(e.exitCode, 2);
        assert.equal(e.hint, "the hint");
        assert.match(e.message, /cannot read nope\.jsonl/);
        return true;
      },
    );
    const folder = await captureRecords("folder", context, "the hint");
    await assert.rejects(ids(folder.records), /cannot read folder: .*EISDIR/);
    await assert.rejects(captureRecords(undefined, context, "the hint"), /no capture file given/);
  });

  it("counts the lines it skipped, so a file of no records can be told from an empty one", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "c.jsonl"), `hello\n${line("a")}{"v":2}\n`);
    const found = await captureRecords("c.jsonl", ctx(dir).context, "hint");
    assert.deepEqual(await ids(found.records), ["a"]);
    assert.equal(found.skipped(), 2);
  });
});
