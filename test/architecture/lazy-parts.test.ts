import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { signedDfnsDelivery } from "../../src/providers/dfns/outbound.js";
import { captureOf, HMAC_CAPTURES, HMAC_ENV, writeCaptures } from "../helpers/captures.js";
import { BIN } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

/** Our modules a spawned `whtool ARGS` loads, as paths under src/ (compiled), and the packages it loads. */
async function modulesLoaded(args: readonly string[]): Promise<Set<string>> {
  return (await traced(args)).modules;
}

async function traced(args: readonly string[]): Promise<{ modules: Set<string>; packages: Set<string> }> {
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
  const all = (tag: string) =>
    new Set([...stderr.matchAll(new RegExp(`\\[${tag}\\] (\\S+)`, "g"))].map((m) => m[1] ?? ""));
  return { modules: all("module-trace"), packages: all("package-trace") };
}

// The registry rows hold the cheap parts directly and loaders for the heavy ones.
describe("the registry keeps its heavy parts lazy", () => {
  it("whtool verify loads the verifiers its deliveries need but no API client, emulator, sample or forgery", async () => {
    const loaded = await modulesLoaded(["verify", HMAC_CAPTURES]);
    assert.ok(loaded.has("providers/dfns/verify.js"), `the trace works: ${[...loaded].join(", ")}`);
    const heavy = [...loaded].filter(
      (path) =>
        /^providers\/[^/]+\/(api|emulator|outbound|samples|forgeries)(\/|\.js$)/.test(path) ||
        /^(api|emulators)\//.test(path),
    );
    assert.deepEqual(heavy, []);
  });

  it("whtool verify of a Dfns delivery that verifies loads no JWT verifier, no doctor, not jose and (into a pipe) not chalk", async () => {
    const at = new Date();
    const d = signedDfnsDelivery(
      {
        id: "whe-lazy",
        date: at.toISOString(),
        kind: "wallet.created",
        data: {},
        timestampSent: Math.floor(at.getTime() / 1000),
        deliveryAttempt: 1,
      },
      HMAC_ENV.DFNS_WEBHOOK_SECRET,
    );
    const capture = writeCaptures(tempDir(), "one.jsonl", [
      captureOf("d_lazy", d.headers as [string, string][], d.body, at, "dfns"),
    ]);
    const { modules, packages } = await traced(["verify", capture]);
    assert.ok(modules.has("commands/verify.js"), "the command ran");
    assert.ok(packages.has("commander"), `the package trace works: ${[...packages].join(", ")}`);
    assert.ok(!packages.has("jose"), "jose is loaded");
    assert.ok(!packages.has("chalk"), "chalk is loaded for output that is not coloured");
    for (const path of [
      "providers/moneykit/verify.js",
      "providers/pps/verify.js",
      "providers/jwt-steps.js",
      "providers/doctor/index.js",
    ])
      assert.ok(!modules.has(path), `${path} is loaded`);
  });
});
