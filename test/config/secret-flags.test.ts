import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { signDfns } from "../../src/providers/dfns/sign.js";
import { HMAC_CAPTURES } from "../helpers/captures.js";
import { runCli } from "../helpers/cli.js";
import { startReceiver } from "../helpers/receiver.js";
import { tempDir } from "../helpers/tmp.js";

const dir = tempDir();
writeFileSync(join(dir, "dfns.secret"), "whs-fixture-secret\n");
writeFileSync(join(dir, "empty.secret"), "");
const receiver = await startReceiver([200]);
after(() => receiver.close());

describe("secret flags", () => {
  // What `--secret "$UNSET"` gives: before, kopokopo/bracken crashed with exit 70 and dfns signed with an empty key.
  const emptySecret: [string, string[]][] = [
    ["check kopokopo", ["check", receiver.url, "--provider", "kopokopo", "--secret", ""]],
    ["check bracken", ["check", receiver.url, "--provider", "bracken", "--secret", ""]],
    ["send kopokopo", ["send", "--provider", "kopokopo", "--to", receiver.url, "--secret", ""]],
    ["send bracken", ["send", "--provider", "bracken", "--to", receiver.url, "--secret", ""]],
    ["send dfns", ["send", "--provider", "dfns", "--to", receiver.url, "--secret", ""]],
    ["verify", ["verify", HMAC_CAPTURES, "--secret", ""]],
    ["listen", ["listen", "--tunnel", "none", "--port", "0", "--no-capture", "--secret", ""]],
  ];
  for (const [name, argv] of emptySecret)
    it(`${name} --secret '' is a usage error naming the flag (exit 2), and nothing is sent`, async () => {
      const before = receiver.received.length;
      // Before the fix listen started with the empty secret and ran on: give up after 10 s rather than hang.
      const r = await runCli(argv, { cwd: dir, signal: AbortSignal.timeout(10_000) });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--secret '': the secret is empty/);
      assert.equal(receiver.received.length, before);
    });

  it("--secret-file verifies like --secret, its trailing newline stripped", async () => {
    const r = await runCli(["verify", HMAC_CAPTURES, "--id", "cap-dfns-1", "--secret-file", "dfns.secret"], {
      cwd: dir,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /VERIFIED/);
  });

  it("--secret and --secret-file rotate together: an older secret in either form still verifies", async () => {
    const r = await runCli(
      [
        "verify",
        HMAC_CAPTURES,
        "--id",
        "cap-dfns-1",
        "--secret",
        "whs-newer",
        "--secret-file",
        "dfns.secret",
      ],
      { cwd: dir },
    );
    assert.equal(r.code, 0, r.stderr);
  });

  it("send signs with the --secret-file secret", async () => {
    const r = await runCli(
      ["send", "--provider", "dfns", "--to", receiver.url, "--secret-file", "dfns.secret"],
      {
        cwd: dir,
      },
    );
    assert.equal(r.code, 0, r.stderr);
    const got = receiver.received.at(-1);
    assert.ok(got);
    const signature = got.headers.find(([name]) => name.toLowerCase() === "x-dfns-webhook-signature")?.[1];
    assert.equal(signature, signDfns(got.body, "whs-fixture-secret"));
  });

  it("an empty --secret-file and an unset --secret-env are usage errors naming the file and the variable", async () => {
    const empty = await runCli(["verify", HMAC_CAPTURES, "--secret-file", "empty.secret"], { cwd: dir });
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /--secret-file empty\.secret: the file is empty/);
    const unset = await runCli(["check", receiver.url, "--provider", "dfns", "--secret-env", "NOT_SET"], {
      cwd: dir,
    });
    assert.equal(unset.code, 2);
    assert.match(unset.stderr, /--secret-env NOT_SET: the variable NOT_SET is not set or empty/);
  });

  it("every command taking --secret offers --secret-file in its --help", async () => {
    for (const command of ["verify", "listen", "register", "send", "smoke", "check"]) {
      const help = await runCli([command, "--help"]);
      assert.match(help.stdout, /--secret <value>/, command);
      assert.match(help.stdout, /--secret-file <path>/, command);
      assert.match(help.stdout, /one\s+trailing\s+newline\s+stripped/, command);
    }
  });
});
