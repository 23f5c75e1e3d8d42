import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { PROVIDER_IDS } from "../../src/core/provider-id.js";
import { runCli, spawnCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

describe("whtool smoke --emulate", () => {
  for (const provider of PROVIDER_IDS) {
    it(`passes for ${provider} and reports what it did`, async () => {
      const dir = tempDir();
      const r = await runCli(
        ["smoke", "--provider", provider, "--emulate", "--timeout", "15s", "--report", "smoke.json"],
        { cwd: dir },
      );
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(readFileSync(join(dir, "smoke.json"), "utf8")) as Record<string, unknown>;
      assert.equal(report.passed, true);
      assert.equal(report.verified, 1);
      assert.equal(report.reason, null);
      assert.ok(report.registered);
      assert.equal(typeof (report.timings as Record<string, unknown>).totalMs, "number");
      assert.match(r.stdout, /smoke passed/);
    });
  }

  it("regression: against the real provider without a public URL it is configuration missing (exit 3), not a tunnel error", async () => {
    const r = await runCli(["smoke", "--provider", "dfns"], { cwd: tempDir() });
    assert.equal(r.code, 3);
    assert.match(r.stderr, /smoke against the real provider needs a public URL/);
    assert.match(r.stderr, /--emulate/);
  });

  it("fails with exit 1 and says why when the verifying secret is wrong", async () => {
    const dir = tempDir();
    const r = await runCli(
      [
        "smoke",
        "--provider",
        "kopokopo",
        "--emulate",
        "--secret",
        "not-the-api-key",
        "--report",
        "r.json",
        "--json",
      ],
      {
        cwd: dir,
      },
    );
    assert.equal(r.code, 1);
    const report = JSON.parse(readFileSync(join(dir, "r.json"), "utf8")) as {
      reason: string;
      received: { reason: string }[];
    };
    assert.match(report.reason, /failed verification: signature_mismatch/);
    assert.equal(report.received[0]?.reason, "signature_mismatch");
    assert.equal(r.lines[0]?.type, "smoke");
  });

  it("fails with exit 1 when too few deliveries arrive before the timeout", async () => {
    const dir = tempDir();
    const r = await runCli(
      ["smoke", "--provider", "dfns", "--emulate", "--expect", "2", "--timeout", "1s", "--report", "r.json"],
      { cwd: dir },
    );
    assert.equal(r.code, 1);
    const report = JSON.parse(readFileSync(join(dir, "r.json"), "utf8")) as {
      reason: string;
      verified: number;
    };
    assert.equal(report.verified, 1);
    assert.match(report.reason, /1 of 2 verified Dfns deliveries within 1 s/);
  });

  it("keeps the emulators' secrets out of the user's own state file", async () => {
    const dir = tempDir();
    const r = await runCli(["smoke", "--provider", "bracken", "--emulate"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.throws(() => readFileSync(join(dir, ".whtool", "state.json")));
  });
});

describe("whtool demo", () => {
  it("runs the whole loop for all five providers and exits 0 (spawned, as npm run demo does)", async () => {
    const r = await spawnCli(["demo"], { cwd: tempDir() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /all five verified/);
    for (const provider of PROVIDER_IDS)
      assert.match(r.stdout, new RegExp(`^${provider}\\s+\\S+\\s+verified\\s+200`, "m"));
  });
});
