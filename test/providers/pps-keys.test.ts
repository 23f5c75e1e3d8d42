import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ppsHeaders, signPpsToken } from "../../src/providers/pps/sign.js";
import { generateSigningKey, jwksOf } from "../../src/providers/signing-key.js";
import { serveJson } from "../helpers/http-server.js";
import { tempDir } from "../helpers/tmp.js";
import { verifyByHand } from "../helpers/verify.js";

const key = await generateSigningKey("RS256", "pps-offline-1");

async function issuerServer() {
  const idp = await serveJson();
  const issuer = `${idp.url}/pps-offline`;
  idp.set("/pps-offline/.well-known/openid-configuration", 200, { issuer, jwks_uri: `${idp.url}/jwks` });
  idp.set("/jwks", 200, jwksOf([key]));
  return { idp, issuer, env: { PPS_TRUSTED_ISSUERS: `${issuer}=pps-offline` } };
}

async function delivery(issuer: string) {
  const token = await signPpsToken(key, {
    issuer,
    audience: "pps-offline",
    subject: "xpps|Ua",
    iat: Math.floor(Date.now() / 1000) - 5,
  });
  const headers = ppsHeaders(token, {
    topic: "orders/placed",
    tenantId: "OU1243",
    webhookId: "279e4e55-dfa0-4e04-b717-148ae547ab7d",
    triggeredAt: "2026-11-23T09:59:59.1234567Z",
  });
  return { headers, body: Buffer.from('{"orderId":"SO-1001"}') };
}

describe("pps keys when the issuer is down", () => {
  it("verify keeps working offline from the disk cache, discovery included", async () => {
    const { idp, issuer, env } = await issuerServer();
    const cwd = tempDir();
    const d = await delivery(issuer);
    const online = await verifyByHand("pps", d, { cwd, env });
    assert.equal(online.code, 0, online.stdout);
    await idp.close();
    const offline = await verifyByHand("pps", d, { cwd, env });
    assert.equal(offline.code, 0, offline.stdout);
    assert.equal(offline.lines[0]?.verified, true);
  });

  it("unavailable keys say how to verify offline with --jwks-file", async () => {
    const { idp, issuer, env } = await issuerServer();
    await idp.close();
    const result = await verifyByHand("pps", await delivery(issuer), { cwd: tempDir(), env });
    assert.equal(result.code, 4, result.stdout);
    const verdict = result.lines[0] as { reason?: string; checks?: { name: string; detail: string }[] };
    assert.equal(verdict.reason, "jwks_unavailable");
    const keyCheck = verdict.checks?.find((c) => c.name === "key");
    assert.match(keyCheck?.detail ?? "", /ECONNREFUSED — verify offline with --jwks-file FILE/);
  });
});
