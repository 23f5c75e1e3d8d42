import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { withDotEnv } from "../../src/adapters/env.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

function dotEnv(text: string) {
  const dir = tempDir();
  writeFileSync(join(dir, ".env"), text);
  return { dir, ...withDotEnv({}, dir) };
}

describe(".env: every line Node would skip or misread is named", () => {
  test("regression: a tab-indented line, export with two spaces, and a non KEY=value line were skipped silently", () => {
    const { env, warnings } = dotEnv(
      "GOOD=1\n\tDFNS_WEBHOOK_SECRET=abc\nexport  KOPOKOPO_API_KEY=k\njust words\n",
    );
    assert.equal(env.GOOD, "1");
    assert.equal(env.DFNS_WEBHOOK_SECRET, undefined);
    assert.equal(env["\tDFNS_WEBHOOK_SECRET"], undefined, "no half-read key with a tab in its name");
    assert.equal(env[" KOPOKOPO_API_KEY"], undefined);
    assert.deepEqual(warnings, [
      ".env:2: indented with a tab: skipped (remove the indentation)",
      ".env:3: more than one space after export: skipped (write export KEY=value)",
      ".env:4: not KEY=value: skipped",
    ]);
  });

  test("a byte-order mark no longer hides the first key", () => {
    const { env, warnings } = dotEnv("\uFEFFDFNS_WEBHOOK_SECRET=whs-1\nB=2\n");
    assert.equal(env.DFNS_WEBHOOK_SECRET, "whs-1");
    assert.match(warnings[0] ?? "", /^\.env:1: the file starts with a byte-order mark/);
  });

  test("an unterminated quote is named: Node keeps the quote in the value", () => {
    const { env, warnings } = dotEnv('DFNS_WEBHOOK_SECRET="whs-1\nOTHER=2\n');
    assert.equal(env.DFNS_WEBHOOK_SECRET, '"whs-1');
    assert.deepEqual(warnings, [
      '.env:1: DFNS_WEBHOOK_SECRET: the " quote is never closed, so the value keeps the " (close the quote)',
    ]);
  });

  test("well-formed files give no warning: comments, export, quotes, multi-line values, CRLF", () => {
    const { env, warnings } = dotEnv(
      '# comment\nexport A=1\nB="two words"\nC=\'x\'\nPEM="-----BEGIN-----\nabc\n-----END-----"\n  D=4\r\nE=5 # trailing\n',
    );
    assert.deepEqual(warnings, []);
    assert.equal(env.A, "1");
    assert.equal(env.B, "two words");
    assert.equal(env.PEM, "-----BEGIN-----\nabc\n-----END-----");
    assert.equal(env.D, "4");
  });

  test("the environment still wins over the file, and warnings reach stderr of any command", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, ".env"), "\tX=1\nDFNS_WEBHOOK_SECRET=file\n");
    assert.equal(withDotEnv({ DFNS_WEBHOOK_SECRET: "env" }, dir).env.DFNS_WEBHOOK_SECRET, "env");
    const result = await runCli(["providers"], { cwd: dir });
    assert.equal(result.code, 0);
    assert.match(result.stderr, /^warning: \.env:1: indented with a tab: skipped/m);
  });
});
