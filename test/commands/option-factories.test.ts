import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

// Ports, durations and counts are parsed where they are declared (src/cli-options.ts): a bad value
// stops the command before it starts, as a usage error naming the flag.
describe("options parsed where they are declared", () => {
  for (const [argv, flag, why] of [
    [
      ["smoke", "--provider", "dfns", "--emulate", "--timeout", "soon"],
      "--timeout <duration>",
      /a duration such as/,
    ],
    [["smoke", "--provider", "dfns", "--emulate", "--expect", "0"], "--expect <n>", /whole number from 1/],
    [["smoke", "--provider", "dfns", "--emulate", "--port", "70000"], "--port <n>", /port from 0 to 65535/],
    [["check", ":3000", "--provider", "dfns", "--key-port", "-1"], "--key-port <n>", /port from 0 to 65535/],
    [
      ["send", "--provider", "dfns", "--to", ":1", "--count", "10001"],
      "--count <n>",
      /whole number from 1 to 10000/,
    ],
    [["emulate", "--provider", "dfns", "--port", "x"], "--port <n>", /port from 0 to 65535/],
  ] as const) {
    it(`${argv[0]} ${flag}: exit 2 naming the flag`, async () => {
      const r = await runCli([...argv], { cwd: tempDir() });
      assert.equal(r.code, 2, r.stderr);
      assert.ok(r.stderr.includes(flag), r.stderr);
      assert.match(r.stderr, why);
    });
  }

  it("a port 0, a duration and a count reach the command as numbers", async () => {
    // One trigger brings one delivery: --expect 2 waits out --timeout 1500ms and fails, exit 1.
    const r = await runCli(
      [
        "smoke",
        "--provider",
        "dfns",
        "--emulate",
        "--port",
        "0",
        "--expect",
        "2",
        "--timeout",
        "1500ms",
        "--json",
      ],
      { cwd: tempDir() },
    );
    assert.equal(r.code, 1, r.stderr);
    const report = r.lines.find((l) => l.type === "smoke");
    assert.equal(report?.expected, 2);
    assert.equal(report?.verified, 1);
    assert.equal(report?.passed, false);
  });
});
