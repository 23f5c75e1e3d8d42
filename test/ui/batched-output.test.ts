import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { batchedOutput } from "../../src/ui/batched-output.js";

describe("batchedOutput", () => {
  it("hands one turn's lines to the stream as one write, in order", async () => {
    const writes: string[] = [];
    const out = batchedOutput({ write: (s: string) => writes.push(s) });
    for (let n = 0; n < 100; n++) out.write(`line ${n}\n`);
    assert.deepEqual(writes, [], "nothing is written synchronously");
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(writes.length, 1);
    assert.equal(writes[0], Array.from({ length: 100 }, (_, n) => `line ${n}\n`).join(""));
  });

  it("flush writes what is pending at once; a large batch goes out before the turn ends", () => {
    const writes: string[] = [];
    const out = batchedOutput({ write: (s: string) => writes.push(s), isTTY: true });
    assert.equal(out.isTTY, true, "colour decisions still see the terminal");
    out.write("a");
    out.flush();
    assert.deepEqual(writes, ["a"]);
    out.write("x".repeat(70 * 1024));
    assert.equal(writes.length, 2, "memory stays bounded under a flood");
    out.flush();
    assert.equal(writes.length, 2, "nothing left to write");
  });
});
