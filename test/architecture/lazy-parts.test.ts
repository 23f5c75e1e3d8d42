import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { signedDfnsDelivery } from "../../src/providers/dfns/outbound.js";
import { captureOf, HMAC_CAPTURES, HMAC_ENV, writeCaptures } from "../helpers/captures.js";
import { BIN } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";
import { traced } from "../helpers/trace.js";

/** What a spawned `whtool ARGS` loads, with the fixture secrets set. */
const whtool = (args: readonly string[]) => traced([BIN, ...args], HMAC_ENV);

// The registry rows hold the cheap parts directly and loaders for the heavy ones.
describe("the registry keeps its heavy parts lazy", () => {
  it("whtool verify loads the verifiers its deliveries need but no API client, emulator, sample or forgery", async () => {
    const loaded = (await whtool(["verify", HMAC_CAPTURES])).modules;
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
    const { modules, packages } = await whtool(["verify", capture]);
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
