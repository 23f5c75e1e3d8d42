// A bad state file must be found before Bracken is told a secret, and a secret Bracken already has
// must survive a save that fails anyway.
import assert from "node:assert/strict";
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { savedSecretsSync } from "../../src/adapters/state.js";
import { assertVerifies, emulator, receiver } from "../api/bracken-setup.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const merges = (emu: { requests: readonly { method: string; path: string }[] }) =>
  emu.requests.filter((r) => r.method === "PUT" && r.path.includes("/api/webhook/merge/")).length;

describe("register --provider bracken and the state file", () => {
  it("a corrupt state.json stops it with a config error before any call to Bracken (no secret stranded)", async () => {
    const emu = await emulator();
    const rx = await receiver();
    const cwd = tempDir();
    mkdirSync(join(cwd, ".whtool"), { mode: 0o700 });
    const state = join(cwd, ".whtool", "state.json");
    writeFileSync(state, '{"v":1,"secrets":[', { mode: 0o600 });
    const r = await runCli(["register", "--provider", "bracken", "--url", rx.url], {
      cwd,
      env: { ...emu.env, BRACKEN_WEBHOOK_SECRET: "" },
    });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /state\.json is not readable state/);
    assert.match(r.stderr, /move it aside/);
    assert.doesNotMatch(r.stderr, /internal error/);
    assert.equal(merges(emu), 0, "Bracken saw no registration");
    assert.equal(emu.requests.length, 0, "nor any other call");
    assert.equal(readFileSync(state, "utf8"), '{"v":1,"secrets":[', "the bad file is left for the user");
  });

  it("a save that fails after the merge keeps the generated secret in state.json.recovered-… (0600), and it works", async () => {
    const emu = await emulator();
    const rx = await receiver();
    const cwd = tempDir();
    const whtool = join(cwd, ".whtool");
    const state = join(whtool, "state.json");
    const env = { ...emu.env, BRACKEN_WEBHOOK_SECRET: "" };
    // Between the check and the save (as Bracken is called), state.json becomes a planted link.
    const victim = join(tempDir("whtool-victim-"), "v.json");
    writeFileSync(victim, "{}\n");
    let planted = false;
    const r = await runCli(["register", "--provider", "bracken", "--url", rx.url], {
      cwd,
      env,
      onStderr: (chunk) => {
        if (planted || !/merging/.test(chunk)) return;
        planted = true;
        mkdirSync(whtool, { recursive: true, mode: 0o700 });
        symlinkSync(victim, state);
      },
    });
    assert.ok(planted);
    assert.equal(merges(emu), 1, "Bracken has the subscription and its secret");
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /could not save the bracken webhook secret/);
    assert.equal(readFileSync(victim, "utf8"), "{}\n", "the link's target is untouched");
    const recovered = readdirSync(whtool).filter((name) => name.startsWith("state.json.recovered-"));
    assert.equal(recovered.length, 1, readdirSync(whtool).join(", "));
    const recoveredPath = join(whtool, recovered[0] ?? "");
    assert.ok(r.stderr.includes(recoveredPath), "the error names where the secret is");
    assert.equal(statSync(recoveredPath).mode & 0o777, 0o600);

    // Do what the hint says, then the registered subscription's delivery verifies with that secret.
    unlinkSync(state);
    renameSync(recoveredPath, state);
    const secrets = savedSecretsSync(cwd, "bracken");
    assert.equal(secrets.length, 1);
    assert.ok(!r.stderr.includes(secrets[0] ?? "-"), "the secret itself is not printed when a file holds it");
    const t = await runCli(["trigger", "user-create", "--provider", "bracken"], { cwd, env });
    assert.equal(t.code, 0, t.stderr);
    const [delivery] = await rx.waitFor(1);
    assert.ok(delivery);
    await assertVerifies(delivery, secrets);
  });
});
