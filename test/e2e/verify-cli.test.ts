import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HMAC_CAPTURES, HMAC_ENV } from "../helpers/captures.js";
import { BIN, spawnCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";
import { traced } from "../helpers/trace.js";

describe("bin/whtool.js verify (spawned)", () => {
  it("exits 1 with one JSON verdict per capture line when one fails", async () => {
    const r = await spawnCli(["verify", HMAC_CAPTURES, "--json"], { env: HMAC_ENV, cwd: tempDir() });
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      r.lines.map((l) => [l.id, l.verified, l.reason]),
      [
        ["cap-dfns-1", true, null],
        ["cap-dfns-2", true, null],
        ["cap-bracken-1", true, null],
        ["cap-kopokopo-1", true, null],
        ["cap-dfns-stale", false, "timestamp_outside_window"],
      ],
    );
  });

  it("exits 0 when every delivery verifies", async () => {
    const r = await spawnCli(["verify", HMAC_CAPTURES, "--id", "cap-bracken-1"], { env: HMAC_ENV });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /VERIFIED/);
  });

  it("exits 2 on an unknown flag, 3 on a missing secret", async () => {
    const unknown = await spawnCli(["verify", HMAC_CAPTURES, "--no-such-flag"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown option '--no-such-flag'/);
    const missing = await spawnCli(["verify", HMAC_CAPTURES], { cwd: tempDir() });
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /set DFNS_WEBHOOK_SECRET/);
  });

  it("--help shows examples and exit codes; --version prints the version", async () => {
    const help = await spawnCli(["verify", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Examples:/);
    assert.match(help.stdout, /Exit codes:/);
    const version = await spawnCli(["--version"]);
    assert.match(version.stdout.trim(), /^\d+\.\d+\.\d+$/);
  });

  it("never loads ngrok, ora or undici", async () => {
    const loaded = (await traced([BIN, "verify", HMAC_CAPTURES], HMAC_ENV)).packages;
    assert.ok(loaded.has("commander"), `the trace works: ${[...loaded].join(", ")}`);
    for (const heavy of ["@ngrok/ngrok", "ora", "undici"])
      assert.ok(!loaded.has(heavy), `${heavy} was loaded`);
  });
});
