import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { nonEmptySecret, readSecretFile, resolveSecrets, secretFromEnv } from "../../src/config/secrets.js";
import { EXIT, WhtoolError } from "../../src/errors.js";
import { tempDir } from "../helpers/tmp.js";

const usage = (pattern: RegExp) => (error: unknown) =>
  error instanceof WhtoolError && error.exitCode === EXIT.usage && pattern.test(error.message);

describe("secret sources", () => {
  const dir = tempDir();
  const file = (name: string, content: string) => {
    writeFileSync(join(dir, name), content);
    return name;
  };

  it("--secret-file strips exactly one trailing newline (LF or CRLF) and keeps all else", () => {
    assert.equal(readSecretFile(file("lf", "whs-1\n"), dir), "whs-1");
    assert.equal(readSecretFile(file("crlf", "whs-1\r\n"), dir), "whs-1");
    assert.equal(readSecretFile(file("none", "whs-1"), dir), "whs-1");
    assert.equal(readSecretFile(file("two", "whs-1\n\n"), dir), "whs-1\n");
    assert.equal(readSecretFile(file("spaces", " whs-1 \n"), dir), " whs-1 ");
  });

  it("refuses an empty or newline-only file, and a missing one, naming the path but never the content", () => {
    assert.throws(
      () => readSecretFile(file("empty", ""), dir),
      usage(/--secret-file empty: the file is empty/),
    );
    assert.throws(() => readSecretFile(file("nl", "\n"), dir), usage(/--secret-file nl: the file is empty/));
    assert.throws(() => readSecretFile("missing", dir), usage(/--secret-file missing: ENOENT/));
  });

  it('an empty --secret (an unset "$VAR") is a usage error naming the flag', () => {
    assert.throws(() => nonEmptySecret(""), usage(/--secret ''/));
    assert.throws(() => resolveSecrets("dfns", { secret: ["new", ""] }, {}), usage(/--secret ''/));
    assert.deepEqual(resolveSecrets("dfns", { secret: ["new", "old"] }, {}), ["new", "old"]);
  });

  it("--secret-env naming an unset or empty variable is a usage error naming the variable", () => {
    assert.throws(() => secretFromEnv("NOPE", {}), usage(/--secret-env NOPE: the variable NOPE is not set/));
    assert.throws(() => resolveSecrets("dfns", { secretEnv: "EMPTY" }, { EMPTY: "" }), usage(/EMPTY/));
    assert.deepEqual(resolveSecrets("dfns", { secretEnv: "S" }, { S: "whs" }), ["whs"]);
  });
});
