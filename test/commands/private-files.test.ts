// The paths a user names (--report, --junit, --write-env, --capture) and whtool's own .whtool/,
// through run(argv, ctx) as a user meets them: a planted link is refused, a wrong kind of path is
// a usage error (exit 2) that says what to do, never exit 70 with a stack.
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../helpers/cli.js";
import { startReceiver } from "../helpers/receiver.js";
import { tempDir } from "../helpers/tmp.js";

/** A file elsewhere, 0644, and a link to it at `name` in a fresh project folder. */
function plantedLink(name: string) {
  const cwd = tempDir();
  const target = join(tempDir("whtool-victim-"), "precious.txt");
  writeFileSync(target, "precious\n");
  chmodSync(target, 0o644);
  symlinkSync(target, join(cwd, name));
  const unchanged = () => [readFileSync(target, "utf8"), statSync(target).mode & 0o777];
  return { cwd, unchanged };
}

function assertRefusedLink(r: { code: number; stderr: string }, name: string) {
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`${name} is a symbolic link; whtool never follows links`));
  assert.doesNotMatch(r.stderr, /internal error/);
}

describe("a planted link at a path the user names is refused, its target unchanged", () => {
  it("smoke --report", async () => {
    const { cwd, unchanged } = plantedLink("report.json");
    const r = await runCli(
      ["smoke", "--provider", "kopokopo", "--emulate", "--timeout", "15s", "--report", "report.json"],
      { cwd },
    );
    assertRefusedLink(r, "report.json");
    assert.deepEqual(unchanged(), ["precious\n", 0o644]);
  });

  it("check --junit", async () => {
    const rx = await startReceiver([200]);
    try {
      const { cwd, unchanged } = plantedLink("junit.xml");
      const r = await runCli(
        ["check", rx.url, "--provider", "dfns", "--secret", "whs-test", "--junit", "junit.xml"],
        { cwd },
      );
      assertRefusedLink(r, "junit.xml");
      assert.deepEqual(unchanged(), ["precious\n", 0o644]);
    } finally {
      await rx.close();
    }
  });

  it("emulate --write-env", async () => {
    const { cwd, unchanged } = plantedLink("emu.env");
    const stop = new AbortController();
    stop.abort(); // emulate serves until aborted; the env file is written before that
    const r = await runCli(["emulate", "--provider", "dfns", "--port", "0", "--write-env", "emu.env"], {
      cwd,
      signal: stop.signal,
    });
    assertRefusedLink(r, "emu.env");
    assert.deepEqual(unchanged(), ["precious\n", 0o644]);
  });

  it("send --jwks-out (and nothing is sent)", async () => {
    const rx = await startReceiver([200]);
    try {
      const { cwd, unchanged } = plantedLink("k.json");
      const r = await runCli(["send", "--provider", "pps", "--to", rx.url, "--jwks-out", "k.json"], { cwd });
      assertRefusedLink(r, "k.json");
      assert.deepEqual(unchanged(), ["precious\n", 0o644]);
      assert.equal(rx.received.length, 0);
    } finally {
      await rx.close();
    }
  });

  it("listen's default capture file .whtool/captures.jsonl", async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, ".whtool"), { mode: 0o700 });
    const target = join(tempDir("whtool-victim-"), "precious.txt");
    writeFileSync(target, "precious\n");
    chmodSync(target, 0o644);
    symlinkSync(target, join(cwd, ".whtool", "captures.jsonl"));
    const r = await runCli(["listen", "--tunnel", "none", "--port", "0", "--timeout", "3s"], { cwd });
    assertRefusedLink(r, "captures\\.jsonl");
    assert.equal(readFileSync(target, "utf8"), "precious\n");
    assert.equal(statSync(target).mode & 0o777, 0o644);
  });
});

describe("listen: a capture path of the wrong kind is a usage error", () => {
  it("--capture naming a folder: exit 2, naming the flag and a file to use instead", async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, "caps"));
    const r = await runCli(
      ["listen", "--tunnel", "none", "--port", "0", "--timeout", "3s", "--capture", "caps"],
      { cwd },
    );
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--capture caps is a folder/);
    assert.match(r.stderr, /--capture caps\/captures\.jsonl/);
    assert.doesNotMatch(r.stderr, /internal error/);
  });

  it(".whtool a regular file: exit 2, saying to move it aside", async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, ".whtool"), "mine\n");
    const r = await runCli(["listen", "--tunnel", "none", "--port", "0", "--timeout", "3s"], { cwd });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /\.whtool is a file/);
    assert.match(r.stderr, /move .*\.whtool aside/);
    assert.doesNotMatch(r.stderr, /internal error/);
    assert.equal(readFileSync(join(cwd, ".whtool"), "utf8"), "mine\n");
  });
});
