import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { signDfns } from "../../src/providers/dfns/sign.js";
import { HMAC_CAPTURES, HMAC_ENV } from "../helpers/captures.js";
import { BIN, spawnCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

/** Runs a shell line with whtool as `$WHTOOL`, as a user types it. */
function shell(line: string, env: Record<string, string> = {}, cwd = tempDir()) {
  const r = spawnSync("sh", ["-c", line], {
    cwd,
    env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", WHTOOL: `"${process.execPath}" "${BIN}"`, ...env },
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("results go to stdout, progress and errors to stderr (spawned)", () => {
  it("whtool verify FILE | grep finds the verdict lines", () => {
    const r = shell(
      `eval "$WHTOOL verify '${HMAC_CAPTURES}'" | grep -c "NOT VERIFIED: timestamp_outside_window"`,
      HMAC_ENV,
    );
    assert.equal(r.stdout.trim(), "1", r.stderr);
    const all = shell(`eval "$WHTOOL verify '${HMAC_CAPTURES}'" | grep "deliveries:"`, HMAC_ENV);
    assert.equal(all.stdout.trim(), "5 deliveries: 4 verified, 1 failed", all.stderr);
  });

  it("register --provider pps --url … > file holds the instructions for the representative", () => {
    const dir = tempDir();
    const r = shell(
      `eval "$WHTOOL register --provider pps --url hooks.example.test/webhooks --tenant OU1" > mail.txt`,
      {},
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const mail = readFileSync(join(dir, "mail.txt"), "utf8");
    assert.match(mail, /Endpoint URL: http:\/\/hooks\.example\.test\/webhooks/);
    assert.match(mail, /Tenant id: OU1/);
  });

  it("without --json an error is human text on stderr and nothing on stdout", async () => {
    const r = await spawnCli(["verify", "no-such-file.jsonl"], { cwd: tempDir() });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^error: cannot read no-such-file\.jsonl/);
  });
});

describe("--json errors are JSON lines on stdout, the exit code kept (spawned)", () => {
  it("a usage error from a command: one error line, exit 2", async () => {
    const r = await spawnCli(["verify", "no-such-file.jsonl", "--json"], { cwd: tempDir() });
    assert.equal(r.code, 2);
    assert.equal(r.lines.length, 1, r.stdout);
    const [line] = r.lines;
    assert.equal(line?.type, "error");
    assert.equal(line?.code, "usage");
    assert.equal(line?.exitCode, 2);
    assert.match(String(line?.message), /cannot read no-such-file\.jsonl/);
    assert.match(String(line?.hint), /give a capture file/);
  });

  it("missing configuration after the verdicts: the error is the last line, exit 3", async () => {
    const r = await spawnCli(["verify", HMAC_CAPTURES, "--json"], { cwd: tempDir() });
    assert.equal(r.code, 3, r.stderr);
    assert.deepEqual(
      r.lines.map((l) => l.type),
      ["delivery", "delivery", "delivery", "delivery", "delivery", "error"],
    );
    const error = r.lines.at(-1);
    assert.equal(error?.code, "config");
    assert.equal(error?.exitCode, 3);
    assert.match(String(error?.hint), /DFNS_WEBHOOK_SECRET/);
    assert.ok(r.stdout.endsWith("}\n"), "nothing follows the error line");
  });

  it("a flag commander refuses: a usage line naming the flag, exit 2", async () => {
    const r = await spawnCli(["send", "--provider", "dfns", "--to", "ftp://x", "--secret", "s", "--json"]);
    assert.equal(r.code, 2);
    assert.equal(r.lines.length, 1, r.stdout);
    assert.equal(r.lines[0]?.type, "error");
    assert.equal(r.lines[0]?.exitCode, 2);
    assert.match(String(r.lines[0]?.message), /--to <url>/);
  });
});

describe("--provider filters captures and forces only a hand-given --body (spawned)", () => {
  it("verify --provider kopokopo on a mixed capture verifies only the Kopo Kopo record", async () => {
    // Only the Kopo Kopo key is set: forcing every record to kopokopo used to fail the other four.
    const r = await spawnCli(["verify", HMAC_CAPTURES, "--provider", "kopokopo", "--json"], {
      env: { KOPOKOPO_API_KEY: HMAC_ENV.KOPOKOPO_API_KEY },
      cwd: tempDir(),
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(
      r.lines.map((l) => [l.id, l.provider, l.verified]),
      [["cap-kopokopo-1", "kopokopo", true]],
    );
    assert.match(r.stderr, /skipped 4 from other providers \(--provider kopokopo\)/);
  });

  it("a capture with none of that provider's deliveries verifies nothing and exits 1", async () => {
    const r = await spawnCli(["verify", HMAC_CAPTURES, "--provider", "pps"], { cwd: tempDir() });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no pps deliveries in the capture/);
  });

  it("with --body, --provider still forces the provider", async () => {
    const dir = tempDir();
    const body = JSON.stringify({ id: "whe-f", kind: "wallet.created", timestampSent: 1_795_000_000 });
    writeFileSync(join(dir, "body.json"), body);
    const header = `X-DFNS-WEBHOOK-SIGNATURE: ${signDfns(Buffer.from(body), "s3")}`;
    const detected = await spawnCli(
      ["verify", "--body", "body.json", "-H", header, "--secret", "s3", "--json"],
      {
        cwd: dir,
      },
    );
    assert.equal(detected.lines[0]?.provider, "dfns");
    const forced = await spawnCli(
      ["verify", "--body", "body.json", "-H", header, "--secret", "s3", "--provider", "bracken", "--json"],
      { cwd: dir },
    );
    assert.equal(forced.code, 1);
    assert.equal(forced.lines[0]?.provider, "bracken");
    assert.equal(forced.lines[0]?.reason, "missing_header");
  });

  it("--help says what --provider means", async () => {
    const r = await spawnCli(["verify", "--help"]);
    assert.match(r.stdout.replace(/\s+/g, " "), /verify only the deliveries from this provider/);
    assert.match(
      r.stdout.replace(/\s+/g, " "),
      /with --body, verify the hand-given delivery as this provider/,
    );
  });
});
