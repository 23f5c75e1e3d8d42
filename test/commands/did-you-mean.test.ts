import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

describe("a mistyped event or trigger gets a did-you-mean", () => {
  test("send --event", async () => {
    const r = await runCli(
      ["send", "--provider", "dfns", "--to", ":9", "--event", "wallet.creatd", "--secret", "s"],
      {
        cwd: tempDir(),
      },
    );
    assert.equal(r.code, 2);
    assert.match(r.stderr, /did you mean wallet\.created\?/);
  });

  test("trigger, for API triggers and emulator events alike", async () => {
    const bracken = await runCli(["trigger", "User_Creat", "--provider", "bracken"], { cwd: tempDir() });
    assert.equal(bracken.code, 2);
    assert.match(bracken.stderr, /did you mean User_Create\?/);
    const dfns = await runCli(["trigger", "pnig", "--provider", "dfns"], { cwd: tempDir() });
    assert.equal(dfns.code, 2);
    assert.match(dfns.stderr, /did you mean ping\?/);
  });

  test("something far from every name gets the list, not a guess", async () => {
    const r = await runCli(["trigger", "zzzzzz", "--provider", "kopokopo"], { cwd: tempDir() });
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.stderr, /did you mean/);
    assert.match(r.stderr, /use one of: buygoods/);
  });
});
