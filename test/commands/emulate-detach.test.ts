import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { BIN, spawnCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

/** Runs the command as `$(…)` does: stdout is a pipe read to its end, so the command must close it. */
function commandSubstitution(
  argv: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], {
      cwd,
      env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "ignore"],
    });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.on("error", reject);
    // 'close' fires only when every holder of the stdout pipe has closed it, as a shell waits.
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, ms: Date.now() - started }));
  });
}

function exportsOf(stdout: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const m of stdout.matchAll(/^export ([A-Z0-9_]+)='((?:[^']|'\\'')*)'$/gm))
    env[m[1] ?? ""] = (m[2] ?? "").replace(/'\\''/g, "'");
  return env;
}

describe("emulate --detach", () => {
  test('regression: eval "$(whtool emulate --provider dfns --detach)" returns with the exports, and --stop ends the emulator', async () => {
    const dir = tempDir();
    const started = await commandSubstitution(["emulate", "--provider", "dfns", "--detach"], dir);
    assert.equal(started.code, 0);
    assert.ok(started.ms < 15_000, `returned after ${started.ms} ms`);
    const env = exportsOf(started.stdout);
    assert.match(env.DFNS_API_URL ?? "", /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(env.DFNS_AUTH_TOKEN);

    // The emulator outlived the command that started it and answers its API.
    const alive = await fetch(`${env.DFNS_API_URL}/auth/login`, { method: "POST" }).catch(() => undefined);
    assert.ok(alive, "the detached emulator answers");
    assert.ok(existsSync(join(dir, ".whtool", "emulators.json")));

    // A second start of the same provider is refused while it runs.
    const again = await spawnCli(["emulate", "--provider", "dfns", "--detach"], { cwd: dir });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already running in the background: dfns/);

    const stopped = await spawnCli(["emulate", "--stop"], { cwd: dir });
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stdout, /stopped the dfns emulator at http:\/\/127\.0\.0\.1:\d+/);
    const gone = await fetch(`${env.DFNS_API_URL}/auth/login`, { method: "POST" }).then(
      () => "answered",
      () => "refused",
    );
    assert.equal(gone, "refused");
    assert.equal(existsSync(join(dir, ".whtool", "emulators.json")), false);
  });

  test("--stop with nothing running says so and exits 1", async () => {
    const dir = tempDir();
    const result = await spawnCli(["emulate", "--stop"], { cwd: dir });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /no emulator is running in the background here/);
  });

  test("--provider is still required to start one", async () => {
    const dir = tempDir();
    const result = await spawnCli(["emulate"], { cwd: dir });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--provider is required/);
  });
});

describe("emulate --detach keeps its files private", () => {
  test("a link planted at .whtool/emulators.json is refused before any emulator starts; its target is untouched", async () => {
    const dir = tempDir();
    const target = join(dir, "elsewhere.txt");
    writeFileSync(target, "keep me\n");
    mkdirSync(join(dir, ".whtool"), { mode: 0o700 });
    symlinkSync(target, join(dir, ".whtool", "emulators.json"));
    const result = await spawnCli(["emulate", "--provider", "dfns", "--detach"], { cwd: dir });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /symbolic link/);
    assert.equal(readFileSync(target, "utf8"), "keep me\n");
    assert.equal(existsSync(join(dir, ".whtool", "emulate-dfns.log")), false, "nothing was started");
  });
});
