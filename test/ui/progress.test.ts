import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Context } from "../../src/context.js";
import { canSpin, progress } from "../../src/ui/progress.js";

const ttyWithoutWidth = { stderr: { isTTY: true, write: () => true } } as unknown as Context;

describe("progress", () => {
  it("regression: no spinner on a TTY that reports 0 columns (ora cleared lines forever and smoke hung)", async () => {
    const columns = process.stderr.columns;
    Object.defineProperty(process.stderr, "columns", { value: 0, configurable: true });
    try {
      assert.equal(canSpin(ttyWithoutWidth), false);
      const lines: string[] = [];
      const plain = await progress(
        { ...ttyWithoutWidth, stderr: { isTTY: true, write: (s: string) => lines.push(s) } },
        false,
      );
      plain.step("registering");
      plain.note("warning: something");
      plain.stop();
      assert.deepEqual(lines, ["warning: something\n"]);
    } finally {
      Object.defineProperty(process.stderr, "columns", { value: columns, configurable: true });
    }
  });

  it("never spins with --json or without a TTY", async () => {
    assert.equal(canSpin({ stderr: { isTTY: false, write: () => true } } as unknown as Context), false);
    const lines: string[] = [];
    const p = await progress(
      { stderr: { isTTY: true, write: (s: string) => lines.push(s) } } as unknown as Context,
      true,
    );
    p.step("x");
    assert.deepEqual(lines, []);
  });
});
