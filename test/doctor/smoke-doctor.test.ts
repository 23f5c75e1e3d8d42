import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

test("smoke reports why a delivery failed: --secret given while the emulated API key signs", async () => {
  const dir = tempDir();
  const r = await runCli(
    ["smoke", "--provider", "kopokopo", "--emulate", "--secret", "not-the-api-key", "--report", "r.json"],
    { cwd: dir, env: { NO_COLOR: "1" } },
  );
  assert.equal(r.code, 1);
  const report = JSON.parse(readFileSync(join(dir, "r.json"), "utf8")) as {
    received: { diagnosis: { code: string; detail: string }[] }[];
  };
  const diagnosis = report.received[0]?.diagnosis ?? [];
  assert.deepEqual(
    diagnosis.map((d) => d.code),
    ["secret_wrong_credential"],
  );
  assert.match(diagnosis[0]?.detail ?? "", /KOPOKOPO_API_KEY, not --secret/);
  assert.match(r.stdout, /why: the signature was made with the credential in KOPOKOPO_API_KEY/);
});
