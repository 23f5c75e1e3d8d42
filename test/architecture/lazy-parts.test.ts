import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { HMAC_CAPTURES, HMAC_ENV } from "../helpers/captures.js";
import { BIN } from "../helpers/cli.js";

/** Our modules a spawned `whtool ARGS` loads, as paths under src/ (compiled). */
async function modulesLoaded(args: readonly string[]): Promise<Set<string>> {
  const trace = fileURLToPath(new URL("./module-trace.js", import.meta.url));
  const stderr = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", trace, BIN, ...args], {
      env: { PATH: process.env.PATH ?? "", ...HMAC_ENV },
    });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d));
    child.on("error", reject);
    child.on("close", () => resolve(err));
  });
  return new Set([...stderr.matchAll(/\[module-trace\] (\S+)/g)].map((m) => m[1] ?? ""));
}

// The registry rows hold the cheap parts directly and loaders for the heavy ones.
describe("the registry keeps its heavy parts lazy", () => {
  it("whtool verify loads every provider's verifier but no API client, emulator, sample or forgery", async () => {
    const loaded = await modulesLoaded(["verify", HMAC_CAPTURES]);
    assert.ok(loaded.has("providers/dfns/verify.js"), `the trace works: ${[...loaded].join(", ")}`);
    const heavy = [...loaded].filter(
      (path) =>
        /^providers\/[^/]+\/(api|emulator|outbound|samples|forgeries)(\/|\.js$)/.test(path) ||
        /^(api|emulators)\//.test(path),
    );
    assert.deepEqual(heavy, []);
  });
});
