import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, test } from "node:test";
import { curlCommand } from "../../src/inspector/curl.js";
import { lineDiff } from "../../src/inspector/diff.js";

describe("inspector diff and curl", () => {
  test("lineDiff aligns the common lines and marks what changed", () => {
    assert.deepEqual(lineDiff("a\nb\nc\nd", "a\nc\nx\nd"), [
      { op: " ", text: "a" },
      { op: "-", text: "b" },
      { op: " ", text: "c" },
      { op: "+", text: "x" },
      { op: " ", text: "d" },
    ]);
    assert.ok(lineDiff("same", "same").every((l) => l.op === " "));
  });

  test("copy as curl: the shell gets back every byte of the body, quotes and newlines included", () => {
    const body = Buffer.from([0x7b, 0x27, 0x22, 0x24, 0x0a, 0xff, 0x00, 0x7d]);
    const command = curlCommand(
      "http://127.0.0.1:9/x",
      "POST",
      [["X-Quote", "it's $HOME"]],
      body.toString("base64"),
    );
    // The part before the pipe into curl is what reproduces the body.
    const producer = command.slice(0, command.indexOf("| \\\ncurl"));
    assert.deepEqual(execFileSync("sh", ["-c", producer]), body);
    assert.match(command, /-H 'X-Quote: it'\\''s \$HOME'/, "header quoted so the shell expands nothing");
  });
});
