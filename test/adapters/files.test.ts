// Real files in temp folders: a planted link, a wide folder, a half-written file.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { CaptureWriter } from "../../src/adapters/capture.js";
import { readPrivateFile, SymlinkRefusedError, writePrivateFileAtomic } from "../../src/adapters/files.js";
import { JwksDiskCache } from "../../src/adapters/jwks.js";
import { StateFile, savedSecretsSync } from "../../src/adapters/state.js";
import { tempDir } from "../helpers/tmp.js";

const mode = (path: string) => statSync(path).mode & 0o777;

/** A file outside `.whtool/` that a planted link points at: what must not change. */
function victim(content = '{"secrets":[]}\n') {
  const path = join(tempDir("whtool-victim-"), "precious.json");
  writeFileSync(path, content, { mode: 0o644 });
  chmodSync(path, 0o644);
  return { path, content, unchanged: () => [readFileSync(path, "utf8"), mode(path)] as const };
}

/** `.whtool/<name>` in a fresh project folder, planted as a link to a victim. */
function planted(name: string, content?: string) {
  const cwd = tempDir();
  mkdirSync(join(cwd, ".whtool"), { mode: 0o700 });
  const target = victim(content);
  const link = join(cwd, ".whtool", name);
  symlinkSync(target.path, link);
  return { cwd, link, target };
}

const isSymlinkRefusal = (link: string) => (error: unknown) => {
  assert.ok(error instanceof SymlinkRefusedError, String(error));
  assert.equal(error.exitCode, 2);
  assert.match(
    error.message,
    /is a symbolic link; whtool never follows links for files it writes — remove it/,
  );
  assert.ok(error.message.includes(link));
  return true;
};

describe("files: a planted symbolic link is refused, its target left as it was", () => {
  it("captures.jsonl (append)", async () => {
    const { link, target } = planted("captures.jsonl");
    await assert.rejects(CaptureWriter.open(link), isSymlinkRefusal(link));
    assert.deepEqual(target.unchanged(), [target.content, 0o644]);
  });

  it("state.json (save and forget)", async () => {
    const { link, target } = planted("state.json");
    const state = new StateFile(link);
    const entry = { provider: "bracken", id: "User_Create", url: "http://x.test/", secret: "s3cret" };
    await assert.rejects(state.saveSecret(entry, new Date()), isSymlinkRefusal(link));
    await assert.rejects(state.forget("bracken", "User_Create"), isSymlinkRefusal(link));
    assert.deepEqual(target.unchanged(), [target.content, 0o644]);
  });

  it("state.json read by verify: a linked file's secret is not taken", () => {
    const saved = { provider: "bracken", id: "e", url: "u", secret: "attacker-chosen", savedAt: "t" };
    const { cwd, link } = planted("state.json", JSON.stringify({ v: 1, secrets: [saved] }));
    assert.throws(() => savedSecretsSync(cwd, "bracken"), isSymlinkRefusal(link));
  });

  it("jwks-cache.json (write refused, read does not take the target's keys)", async () => {
    const foreign = JSON.stringify({ "https://keys.test/jwks": { fetchedAt: 1, jwks: { keys: [] } } });
    const { link, target } = planted("jwks-cache.json", foreign);
    const cache = new JwksDiskCache(link);
    assert.equal(await cache.get("https://keys.test/jwks"), undefined);
    await assert.rejects(
      cache.put("https://keys.test/jwks", { fetchedAt: 2, jwks: { keys: [] } }),
      isSymlinkRefusal(link),
    );
    assert.deepEqual(target.unchanged(), [target.content, 0o644]);
  });

  it("any whole-file write (reports, keys, env files)", async () => {
    const { link, target } = planted("report.json");
    await assert.rejects(writePrivateFileAtomic(link, "{}\n"), isSymlinkRefusal(link));
    await assert.rejects(readPrivateFile(link), isSymlinkRefusal(link));
    assert.deepEqual(target.unchanged(), [target.content, 0o644]);
  });

  it(".whtool itself a link to another folder", async () => {
    const cwd = tempDir();
    const elsewhere = tempDir("whtool-elsewhere-");
    symlinkSync(elsewhere, join(cwd, ".whtool"));
    await assert.rejects(
      CaptureWriter.open(join(cwd, ".whtool", "captures.jsonl")),
      isSymlinkRefusal(join(cwd, ".whtool")),
    );
    assert.deepEqual(readdirSync(elsewhere), []);
  });
});

describe("files: the private folder", () => {
  it("creates .whtool 0700 with a .gitignore of *, so secrets never land in the user's repository", async () => {
    const cwd = tempDir();
    const entry = { provider: "bracken", id: "User_Create", url: "http://x.test/", secret: "s3cret" };
    await StateFile.in(cwd).saveSecret(entry, new Date());
    assert.equal(mode(join(cwd, ".whtool")), 0o700);
    assert.equal(readFileSync(join(cwd, ".whtool", ".gitignore"), "utf8"), "*\n");
    assert.equal(mode(join(cwd, ".whtool", "state.json")), 0o600);
  });

  it("tightens an existing group/world-readable .whtool to 0700", async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, ".whtool"));
    chmodSync(join(cwd, ".whtool"), 0o755);
    await (await CaptureWriter.open(join(cwd, ".whtool", "captures.jsonl"))).close();
    assert.equal(mode(join(cwd, ".whtool")), 0o700);
  });

  it("leaves the mode of a folder that is the user's own (not .whtool)", async () => {
    const dir = join(tempDir(), "reports");
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    await writePrivateFileAtomic(join(dir, "junit.xml"), "<x/>");
    assert.equal(mode(dir), 0o755);
  });

  it(".whtool a regular file: a usage error (exit 2) saying to move it aside", async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, ".whtool"), "not a folder");
    await assert.rejects(CaptureWriter.open(join(cwd, ".whtool", "captures.jsonl")), (error: unknown) => {
      assert.equal((error as { exitCode?: number }).exitCode, 2);
      assert.match((error as Error).message, /\.whtool is a file/);
      return true;
    });
    assert.equal(readFileSync(join(cwd, ".whtool"), "utf8"), "not a folder");
  });

  it("an existing wider capture file is tightened to 0600 through its handle", async () => {
    const cwd = tempDir();
    const path = join(cwd, ".whtool", "captures.jsonl");
    mkdirSync(join(cwd, ".whtool"), { mode: 0o700 });
    writeFileSync(path, "");
    chmodSync(path, 0o644);
    const writer = await CaptureWriter.open(path);
    await writer.close();
    assert.equal(mode(path), 0o600);
  });
});

describe("files: whole-file writes are atomic", () => {
  it("replaces the file rather than rewriting it in place (another link to the old file keeps the old bytes)", async () => {
    const cwd = tempDir();
    const cache = join(cwd, ".whtool", "jwks-cache.json");
    await new JwksDiskCache(cache).put("https://a.test/jwks", { fetchedAt: 1, jwks: { keys: [] } });
    const old = readFileSync(cache, "utf8");
    // A reader holding the old file (here a hard link to its inode) must never see it half-rewritten.
    const reader = join(cwd, "reader.json");
    linkSync(cache, reader);
    await new JwksDiskCache(cache).put("https://b.test/jwks", { fetchedAt: 2, jwks: { keys: [] } });
    assert.equal(readFileSync(reader, "utf8"), old);
    assert.match(readFileSync(cache, "utf8"), /b\.test/);
  });

  it("a write that fails midway (file size limit hit) leaves the old state.json whole and no temp file", () => {
    const cwd = tempDir();
    const path = join(cwd, ".whtool", "state.json");
    mkdirSync(join(cwd, ".whtool"), { mode: 0o700 });
    const old = `${JSON.stringify({ v: 1, secrets: [] })}\n`;
    writeFileSync(path, old, { mode: 0o600 });
    const stateModule = new URL("../../src/adapters/state.js", import.meta.url).href;
    const script = `import { StateFile } from ${JSON.stringify(stateModule)};
      const entry = { provider: "dfns", id: "wh-1", url: "http://x.test/" + "a".repeat(200000), secret: "s" };
      await new StateFile(${JSON.stringify(path)}).saveSecret(entry, new Date())
        .then(() => process.exit(0), (e) => { console.error(e.code ?? e.message); process.exit(9); });`;
    // ulimit -f 64: writes past 64 KiB fail with EFBIG (SIGXFSZ ignored so the write returns the error).
    const child = spawnSync(
      "bash",
      ["-c", `trap '' XFSZ; ulimit -f 64; exec "$0" --input-type=module -e "$1"`, process.execPath, script],
      { encoding: "utf8" },
    );
    assert.equal(child.status, 9, child.stderr);
    assert.match(child.stderr, /EFBIG/);
    assert.equal(readFileSync(path, "utf8"), old);
    assert.deepEqual(readdirSync(join(cwd, ".whtool")).sort(), ["state.json"]);
  });
});

describe("files: reading", () => {
  it("a missing file is undefined, not an error", async () => {
    assert.equal(await readPrivateFile(join(tempDir(), "nope.json")), undefined);
  });
});
