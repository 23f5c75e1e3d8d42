import assert from "node:assert/strict";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { followLines } from "../../src/adapters/capture-follow.js";
import { READ_CHUNK_BYTES } from "../../src/adapters/capture-reader.js";
import { tempDir } from "../helpers/tmp.js";

interface Seen {
  readonly line: string;
  readonly offset: number;
  readonly length: number;
}

function follow(path: string, from = 0) {
  const seen: Seen[] = [];
  let resets = 0;
  const follower = followLines(
    path,
    {
      onLine: (line, offset, length) => seen.push({ line, offset, length }),
      onReset: () => resets++,
    },
    { from, intervalMs: 60_000 },
  );
  return { seen, follower, resets: () => resets };
}

describe("followLines (tail -f and the inspector)", () => {
  test("lines appended past several read chunks arrive whole, each with its exact place in the file", async () => {
    const path = join(tempDir(), "grow.jsonl");
    writeFileSync(path, "");
    const { seen, follower } = follow(path);
    // Lines of varied length, together over two read chunks, so some straddle a chunk boundary.
    const lines = Array.from({ length: 300 }, (_, i) => `{"n":${i},"pad":"${"x".repeat((i * 37) % 5000)}"}`);
    appendFileSync(path, lines.map((l) => `${l}\n`).join(""));
    assert.ok(readFileSync(path).length > 2 * READ_CHUNK_BYTES, "the test spans several chunks");
    await follower.poll();
    await follower.close();
    assert.deepEqual(
      seen.map((s) => s.line),
      lines,
    );
    const bytes = readFileSync(path);
    for (const s of seen)
      assert.equal(bytes.subarray(s.offset, s.offset + s.length).toString("utf8"), `${s.line}\n`);
  });

  test("a half-written last line waits for its newline; only new bytes are read from `from`", async () => {
    const path = join(tempDir(), "half.jsonl");
    writeFileSync(path, "old line\n");
    const { seen, follower } = follow(path, readFileSync(path).length);
    appendFileSync(path, '{"a":1}\n{"b":');
    await follower.poll();
    assert.deepEqual(
      seen.map((s) => s.line),
      ['{"a":1}'],
    );
    appendFileSync(path, "2}\n");
    await follower.poll();
    await follower.close();
    assert.deepEqual(
      seen.map((s) => s.line),
      ['{"a":1}', '{"b":2}'],
    );
    assert.equal(seen[1]?.offset, "old line\n".length + '{"a":1}\n'.length);
  });

  test("a file that shrinks was replaced: it is reported and read again from its start", async () => {
    const path = join(tempDir(), "replaced.jsonl");
    writeFileSync(path, "first\nsecond\n");
    const { seen, follower, resets } = follow(path);
    await follower.poll();
    writeFileSync(path, "new\n");
    await follower.poll();
    await follower.close();
    assert.equal(resets(), 1);
    assert.deepEqual(
      seen.map((s) => [s.line, s.offset]),
      [
        ["first", 0],
        ["second", 6],
        ["new", 0],
      ],
    );
  });

  test("a missing file is no error: following starts once it appears", async () => {
    const path = join(tempDir(), "later.jsonl");
    const { seen, follower } = follow(path);
    await follower.poll();
    writeFileSync(path, "hello\n");
    await follower.poll();
    await follower.close();
    assert.deepEqual(
      seen.map((s) => s.line),
      ["hello"],
    );
  });
});
