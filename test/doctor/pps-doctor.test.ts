import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ppsHeaders, signPpsToken } from "../../src/providers/pps/sign.js";
import { generateSigningKey, jwksOf } from "../../src/providers/signing-key.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";
import { AT, AT_S } from "./mistakes.js";

const key = await generateSigningKey("RS256", "pps-doc");
const TRUSTED =
  "https://securetoken.example/shop-prod=shop-prod,https://securetoken.example/shop-staging=shop-staging";

async function verifyToken(issuer: string, audience: string) {
  const dir = tempDir();
  writeFileSync(join(dir, "jwks.json"), JSON.stringify(jwksOf([key])));
  writeFileSync(join(dir, "body.json"), '{"orderId":"o-1"}');
  const token = await signPpsToken(key, { issuer, audience, subject: "s", iat: AT_S - 5 });
  const headers = ppsHeaders(token, {
    topic: "orders/placed",
    tenantId: "OU1",
    webhookId: "w-1",
    triggeredAt: "t",
  });
  const argv = ["verify", "--json", "--provider", "pps", "--jwks-file", "jwks.json", "--body", "body.json"];
  argv.push("--at", AT.toISOString(), ...headers.flatMap(([n, v]) => ["-H", `${n}: ${v}`]));
  const r = await runCli(argv, { cwd: dir, env: { PPS_TRUSTED_ISSUERS: TRUSTED } });
  return r.lines.find((l) => l.type === "delivery") as {
    reason: string;
    diagnosis: { code: string; detail: string }[];
  };
}

describe("PointServices: issuer and audience from a different trusted entry", () => {
  test("trusted_entry_mismatch: a prod token carrying the staging audience names the staging entry", async () => {
    const line = await verifyToken("https://securetoken.example/shop-prod", "shop-staging");
    assert.equal(line.reason, "audience_mismatch");
    assert.deepEqual(
      line.diagnosis.map((d) => d.code),
      ["trusted_entry_mismatch"],
    );
    assert.match(
      line.diagnosis[0]?.detail ?? "",
      /aud shop-staging is the audience PPS_TRUSTED_ISSUERS gives https:\/\/securetoken\.example\/shop-staging/,
    );
  });

  test("trusted_entry_mismatch: an untrusted issuer with a trusted audience says the claims are unverified", async () => {
    const line = await verifyToken("https://securetoken.example/shop-dev", "shop-prod");
    assert.equal(line.reason, "issuer_not_trusted");
    assert.deepEqual(
      line.diagnosis.map((d) => d.code),
      ["trusted_entry_mismatch"],
    );
    assert.match(line.diagnosis[0]?.detail ?? "", /unverified/);
  });

  test("an audience no entry knows gets no diagnosis", async () => {
    const line = await verifyToken("https://securetoken.example/shop-prod", "someone-else");
    assert.equal(line.reason, "audience_mismatch");
    assert.deepEqual(line.diagnosis, []);
  });
});
