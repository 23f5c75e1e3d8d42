import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { PassThrough } from "node:stream";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { buildProgram, COMMAND_NAMES } from "../../src/cli.js";
import type { Context } from "../../src/context.js";
import { BIN } from "../helpers/cli.js";

/** The packages a spawned whtool resolves, from the import-trace helper. */
function packagesLoaded(argv: string[]): Promise<{ stdout: string; loaded: Set<string> }> {
  const trace = fileURLToPath(new URL("../helpers/import-trace.js", import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", trace, BIN, ...argv], {
      env: { PATH: process.env.PATH ?? "" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("error", reject);
    child.on("close", () =>
      resolve({
        stdout,
        loaded: new Set([...stderr.matchAll(/\[import-trace\] (\S+)/g)].map((m) => m[1] ?? "")),
      }),
    );
  });
}

const ctx: Context = {
  env: {},
  cwd: process.cwd(),
  stdout: { write: () => true },
  stderr: { write: () => true },
  stdin: new PassThrough(),
  now: () => new Date(),
  fetch: globalThis.fetch,
  signal: new AbortController().signal,
};
const declared = (only?: string) =>
  buildProgram(ctx, "0.0.0", () => undefined, only).commands.map((command) => command.name());

describe("start-up loads only what the command uses", () => {
  it("--version and -V answer without loading commander or any other package", async () => {
    for (const flag of ["--version", "-V"]) {
      const { stdout, loaded } = await packagesLoaded([flag]);
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
