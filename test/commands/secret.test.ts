import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { startDfnsEmulator } from "../../src/providers/dfns/emulator.js";
import { track } from "../helpers/api.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

describe("whtool secret", () => {
  test("prints only the value on stdout, where it came from on stderr", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, ".env"), "DFNS_WEBHOOK_SECRET=whs-from-dotenv\n");
    const r = await runCli(["secret", "--provider", "dfns"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "whs-from-dotenv\n");
    assert.match(r.stderr, /\(DFNS_WEBHOOK_SECRET\)/);
  });

  test("regression: the secret register saved was hidden; secret prints it, as listen would use it", async () => {
    const emu = track(await startDfnsEmulator({ timeScale: 0.0001 }));
    const cwd = tempDir();
    const env = { ...emu.env };
    assert.equal(
      (await runCli(["register", "--provider", "dfns", "--url", "http://127.0.0.1:9/h"], { env, cwd })).code,
      0,
    );
    const r = await runCli(["secret", "--provider", "dfns", "--json"], { env, cwd });
    assert.equal(r.code, 0, r.stderr);
    const [line] = r.lines;
    assert.match(String(line?.secret), /\S{8,}/);
    assert.match(
      String(line?.source),
      /^state\.json: dfns subscription wh-\S+ for http:\/\/127\.0\.0\.1:9\/h$/,
    );
  });

  test("--all lists every accepted secret, newest first", async () => {
    const r = await runCli(
      ["secret", "--provider", "bracken", "--secret", "new", "--secret", "old", "--all"],
      {
        cwd: tempDir(),
      },
    );
    assert.equal(r.stdout, "new\nold\n");
  });

  test("no secret is exit 3 naming the variable; JWT providers have none to print (exit 2)", async () => {
    const none = await runCli(["secret", "--provider", "kopokopo"], { cwd: tempDir() });
    assert.equal(none.code, 3);
    assert.match(none.stderr, /KOPOKOPO_API_KEY/);
    assert.equal(none.stdout, "");
    const jwt = await runCli(["secret", "--provider", "moneykit"], { cwd: tempDir() });
    assert.equal(jwt.code, 2);
    assert.match(jwt.stderr, /carry no shared secret/);
  });
});
