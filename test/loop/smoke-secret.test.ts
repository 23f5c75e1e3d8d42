import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

type Smoke = { passed: boolean; verified: number; received: { verified: boolean }[] };
const smokeLine = (lines: Record<string, unknown>[]) =>
  lines.find((line) => line.type === "smoke") as Smoke | undefined;

describe("whtool smoke --provider bracken --emulate with the user's secret", () => {
  it("regression: --secret X always failed (a generated secret was registered); X is now registered and verifies", async () => {
    const r = await runCli(
      ["smoke", "--provider", "bracken", "--emulate", "--secret", "my-own-bracken-secret-x", "--json"],
      { cwd: tempDir() },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const smoke = smokeLine(r.lines);
    assert.equal(smoke?.passed, true);
    // Only the flag's secret is tried when --secret is given: verifying proves the emulator signed with it.
    assert.equal(smoke?.verified, 1);
    assert.ok(smoke?.received.every((delivery) => delivery.verified));
  });

  it("--secret-env NAME is registered the same way", async () => {
    const r = await runCli(
      ["smoke", "--provider", "bracken", "--emulate", "--secret-env", "MY_SECRET", "--json"],
      {
        cwd: tempDir(),
        env: { MY_SECRET: "secret-from-my-env-var" },
      },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(smokeLine(r.lines)?.verified, 1);
  });
});
