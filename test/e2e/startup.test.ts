import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildProgram, COMMAND_NAMES } from "../../src/cli.js";
import { BIN, quietContext } from "../helpers/cli.js";
import { traced } from "../helpers/trace.js";

const ctx = quietContext();
const declared = (only?: string) =>
  buildProgram(ctx, "0.0.0", () => undefined, only).commands.map((command) => command.name());

describe("start-up loads only what the command uses", () => {
  it("--version and -V answer without loading commander or any other package", async () => {
    for (const flag of ["--version", "-V"]) {
      const { stdout, packages: loaded } = await traced([BIN, flag]);
      assert.match(stdout.trim(), /^\d+\.\d+\.\d+$/);
      assert.deepEqual([...loaded], [], `${flag} loaded ${[...loaded].join(", ")}`);
    }
  });

  it("a command declares itself alone; help, `help` and an unknown command get every command", () => {
    assert.deepEqual(declared("verify"), ["verify"]);
    assert.deepEqual(declared("listen"), ["listen"]);
    for (const first of [undefined, "--help", "help", "verfy"])
      assert.deepEqual(declared(first), [...COMMAND_NAMES]);
  });
});
