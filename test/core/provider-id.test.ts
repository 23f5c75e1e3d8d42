import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { toProviderId, unknownProviderHint } from "../../src/core/provider-id.js";
import { closest, editDistance } from "../../src/core/suggest.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

describe("provider ids as users type them", () => {
  test("ids are case-insensitive and have aliases", () => {
    assert.equal(toProviderId("Dfns"), "dfns");
    assert.equal(toProviderId(" MONEYKIT "), "moneykit");
    assert.equal(toProviderId("pointservices"), "pps");
    assert.equal(toProviderId("PointServices"), "pps");
    assert.equal(toProviderId("kopo-kopo"), "kopokopo");
    assert.equal(toProviderId("k2"), "kopokopo");
    assert.equal(toProviderId("stripe"), undefined);
  });

  test("a typo gets a did-you-mean; something else only the list", () => {
    assert.match(unknownProviderHint("dnfs"), /^did you mean dfns\? use one of moneykit, dfns/);
    assert.match(unknownProviderHint("brakken"), /did you mean bracken\?/);
    assert.match(unknownProviderHint("kopokop"), /did you mean kopokopo\?/);
    assert.doesNotMatch(unknownProviderHint("stripe"), /did you mean/);
  });

  test("edit distance counts a swap as one edit; closest refuses far-off words", () => {
    assert.equal(editDistance("dnfs", "dfns"), 1);
    assert.equal(editDistance("", "abc"), 3);
    assert.equal(closest("xyz", ["dfns", "pps"]), undefined);
    assert.equal(closest("wallet.creatd", ["wallet.created", "wallet.deleted"]), "wallet.created");
  });

  test("regression: --provider PointServices and --provider Dfns are accepted on the command line", async () => {
    const dir = tempDir();
    const providers = await runCli(["providers", "PointServices"], { cwd: dir });
    assert.equal(providers.code, 0, providers.stderr);
    assert.match(providers.stdout + providers.stderr, /PointServices/);
    const verify = await runCli(
      ["verify", "--provider", "Dfns", "--body", "-", "-H", "X-DFNS-WEBHOOK-SIGNATURE: sha256=00"],
      {
        cwd: dir,
        stdin: "{}",
        env: { DFNS_WEBHOOK_SECRET: "s" },
      },
    );
    assert.equal(verify.code, 1, verify.stderr);
  });

  test("an unknown --provider is a usage error with a did-you-mean", async () => {
    const result = await runCli(["verify", "--provider", "dnfs", "--body", "-"], {
      cwd: tempDir(),
      stdin: "{}",
    });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /dnfs.*did you mean dfns\?/s);
  });
});
