import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../helpers/cli.js";
import { startHandler } from "../helpers/handler.js";
import { closedPort } from "../helpers/http-server.js";
import { tempDir } from "../helpers/tmp.js";

const SECRETS = { dfns: "whs-check-test", bracken: "br-check-test", kopokopo: "k2-check-test" };

describe("whtool check against the example handlers (they pass)", () => {
  for (const [provider, env] of [
    ["dfns", { DFNS_WEBHOOK_SECRET: SECRETS.dfns }],
    ["bracken", { BRACKEN_WEBHOOK_SECRET: SECRETS.bracken }],
    ["kopokopo", { KOPOKOPO_API_KEY: SECRETS.kopokopo }],
  ] as const) {
    it(provider, async () => {
      const handler = await startHandler(`examples/${provider}-handler.mjs`, env);
      const r = await runCli(["check", handler.url, "--provider", provider, "--json"], {
        env,
        cwd: tempDir(),
      });
      handler.stop();
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const cases = r.lines.filter((l) => l.type === "case");
      assert.ok(cases.length >= 5, `${cases.length} cases`);
      assert.ok(cases.every((c) => c.passed === true));
    });
  }

  it("moneykit (keys served on --key-port, which the handler trusts)", async () => {
    const port = await closedPort();
    const handler = await startHandler("examples/moneykit-handler.mjs", {
      MONEYKIT_API_URL: `http://127.0.0.1:${port}`,
    });
    const r = await runCli(
      ["check", handler.url, "--provider", "moneykit", "--key-port", String(port), "--json"],
      { cwd: tempDir() },
    );
    handler.stop();
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const names = r.lines.filter((l) => l.type === "case").map((l) => l.name);
    for (const name of [
      "alg none",
      "foreign key under a published kid",
      "token issued in the future (+10 min)",
    ])
      assert.ok(names.includes(name));
  });

  it("pps (an OIDC issuer on --key-port, trusted by the handler)", async () => {
    const port = await closedPort();
    const handler = await startHandler("examples/pps-handler.mjs", {
      PPS_TRUSTED_ISSUERS: `http://127.0.0.1:${port}/issuer=whtool-check`,
    });
    const r = await runCli(
      ["check", handler.url, "--provider", "pps", "--key-port", String(port), "--json"],
      { cwd: tempDir() },
    );
    handler.stop();
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const names = r.lines.filter((l) => l.type === "case").map((l) => l.name);
    for (const name of ["expired token", "untrusted issuer", "wrong audience", "alg none"])
      assert.ok(names.includes(name));
  });
});

describe("whtool check catches naive handlers", () => {
  const env = { DFNS_WEBHOOK_SECRET: SECRETS.dfns };
  const failing = async (script: string) => {
    const handler = await startHandler(script, env);
    const r = await runCli(["check", handler.url, "--provider", "dfns", "--json"], { env, cwd: tempDir() });
    handler.stop();
    assert.equal(r.code, 1, r.stdout + r.stderr);
    return r.lines.filter((l) => l.type === "case" && l.passed === false).map((l) => String(l.name));
  };

  it("one that accepts everything", async () => {
    const failed = await failing("test/fixtures/handlers/naive-accept-all.mjs");
    for (const name of [
      "missing signature",
      "tampered body",
      "wrong secret",
      "stale timestamp (sent 600 s ago)",
    ])
      assert.ok(failed.includes(name), name);
  });

  it("one that skips the timestamp", async () => {
    assert.deepEqual(await failing("test/fixtures/handlers/naive-dfns-no-timestamp.mjs"), [
      "stale timestamp (sent 600 s ago)",
    ]);
  });

  it("one that compares with == over re-serialised JSON", async () => {
    assert.deepEqual(await failing("test/fixtures/handlers/naive-dfns-reserialise.mjs"), [
      "valid, body not in compact JSON",
    ]);
  });

  it("one whose JWKS cache never refetches on an unknown kid (the seed's 24 h rule) fails the key-rotation case", async () => {
    const port = await closedPort();
    const handler = await startHandler("test/fixtures/handlers/naive-moneykit-24h-cache.mjs", {
      MONEYKIT_API_URL: `http://127.0.0.1:${port}`,
    });
    const r = await runCli(
      ["check", handler.url, "--provider", "moneykit", "--key-port", String(port), "--json"],
      {
        cwd: tempDir(),
      },
    );
    handler.stop();
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const failed = r.lines.filter((l) => l.type === "case" && l.passed === false).map((l) => l.name);
    assert.deepEqual(failed, ["valid, signed by a newly published key"]);
  });

  it("says what it did not check, in the report, the --json summary and the JUnit file (as skipped)", async () => {
    const dir = tempDir();
    const handler = await startHandler("test/fixtures/handlers/naive-accept-all.mjs", {});
    const r = await runCli(
      ["check", handler.url, "--provider", "bracken", "--secret", "s", "--junit", "check.xml"],
      {
        cwd: dir,
      },
    );
    handler.stop();
    assert.match(r.stdout + r.stderr, /not checked: that a duplicate is processed only once/);
    assert.match(r.stdout + r.stderr, /not checked: a body Bracken sends in other than compact JSON/);
    const xml = readFileSync(join(dir, "check.xml"), "utf8");
    assert.match(xml, /skipped="3"/);
    assert.match(
      xml,
      /<skipped message="that signatures are compared in constant time: timing over loopback is too noisy to judge"\/>/,
    );
  });

  it("writes JUnit XML naming the failures", async () => {
    const dir = tempDir();
    const handler = await startHandler("test/fixtures/handlers/naive-accept-all.mjs", {});
    const r = await runCli(
      ["check", handler.url, "--provider", "bracken", "--secret", "s", "--junit", "check.xml"],
      { cwd: dir },
    );
    handler.stop();
    assert.equal(r.code, 1);
    const xml = readFileSync(join(dir, "check.xml"), "utf8");
    assert.match(xml, /<testsuite name="whtool check bracken" tests="\d+" failures="3"/);
    assert.match(
      xml,
      /<failure message="answered 200, expected 4xx: the handler accepted a forged delivery">/,
    );
  });

  it("exits 4 when nothing answers and 3 without a secret", async () => {
    const port = await closedPort();
    assert.equal(
      (await runCli(["check", `http://127.0.0.1:${port}/x`, "--provider", "dfns", "--secret", "s"])).code,
      4,
    );
    assert.equal((await runCli(["check", `http://127.0.0.1:${port}/x`, "--provider", "dfns"])).code, 3);
  });
});
