// Deliveries signed — and twins' output verified — by code written the way each provider's docs
// write it: the Node snippets inline below, the Python ones run with python3's standard library.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import { describe, it } from "node:test";
import { signBracken } from "../../src/providers/bracken/sign.js";
import { verifyBracken } from "../../src/providers/bracken/verify.js";
import { signDfns } from "../../src/providers/dfns/sign.js";
import { verifyDfns } from "../../src/providers/dfns/verify.js";
import { signKopoKopo } from "../../src/providers/kopokopo/sign.js";
import { verifyKopoKopo } from "../../src/providers/kopokopo/verify.js";
import { AT, AT_S, makeDelivery } from "../helpers/deliveries.js";

function python(script: string, input: string): string {
  return execFileSync("python3", ["-c", script], { input, encoding: "utf8" }).trim();
}

const dfnsPayload = {
  id: "whe-7fa",
  date: "2026-11-23T09:59:50.000Z",
  kind: "wallet.created",
  data: { wallet: { id: "wa-1", network: "Ethereum", name: "Ünïcode wallet ✓" } },
  timestampSent: AT_S - 10,
};

describe("Dfns docs snippets", () => {
  const secret = "whs-docs-snippet";

  it("a delivery signed like the Node snippet (JSON.stringify of the parsed payload) verifies", async () => {
    const body = JSON.stringify(dfnsPayload);
    const signature = crypto.createHmac("sha256", secret).update(body).digest("hex");
    const d = makeDelivery([["X-DFNS-WEBHOOK-SIGNATURE", `sha256=${signature}`]], body);
    assert.equal((await verifyDfns(d, { at: AT, secrets: [secret] })).verified, true);
  });

  it("the docs' Node verifier accepts what the twin signs", () => {
    const body = Buffer.from(JSON.stringify(dfnsPayload));
    const eventSignature = signDfns(body, secret);
    // — as in the Dfns guide —
    const eventPayload = JSON.parse(body.toString());
    const messageToSign = JSON.stringify(eventPayload);
    const signature = crypto.createHmac("sha256", secret).update(messageToSign).digest("hex");
    const trustedSig = Buffer.from(`sha256=${signature}`, "ascii");
    const untrustedSig = Buffer.from(eventSignature, "ascii");
    assert.equal(crypto.timingSafeEqual(trustedSig, untrustedSig), true);
  });

  it("a delivery signed like the Python snippet (json.dumps, compact separators) verifies", async () => {
    // json.dumps escapes non-ASCII by default (ensure_ascii=True): the bytes on the wire are those.
    const script = `import sys, json, hmac, hashlib
p = json.loads(sys.stdin.read())
m = json.dumps(p, separators=(',', ':'))
print(m)
print("sha256=" + hmac.new(${JSON.stringify(secret)}.encode(), m.encode(), hashlib.sha256).hexdigest())`;
    const [body = "", header = ""] = python(script, JSON.stringify(dfnsPayload)).split("\n");
    assert.match(body, /\\u00dc/, "python escaped the non-ASCII characters");
    const d = makeDelivery([["X-DFNS-WEBHOOK-SIGNATURE", header]], body);
    const v = await verifyDfns(d, { at: AT, secrets: [secret] });
    assert.equal(v.verified, true);
    assert.equal(v.meta.signedForm, "raw");
  });

  it("the docs' Python verifier accepts what the twin signs (compact JSON body)", () => {
    const body = JSON.stringify({ ...dfnsPayload, data: { wallet: { id: "wa-1" } } });
    const header = signDfns(Buffer.from(body), secret);
    const script = `import sys, json, hmac, hashlib
body, sig = sys.stdin.read().split("\\n")
p = json.loads(body)
m = json.dumps(p, separators=(',', ':'))
e = "sha256=" + hmac.new(${JSON.stringify(secret)}.encode(), m.encode(), hashlib.sha256).hexdigest()
print(hmac.compare_digest(e, sig))`;
    assert.equal(python(script, `${body}\n${header}`), "True");
  });
});

describe("Bracken tutorial snippet", () => {
  const secret = "12345-but-stronger";
  const payload = { Event: "User_Create", Username: "Test-User" };

  it("a delivery signed like the tutorial's Node code verifies", async () => {
    const hash = crypto.createHmac("sha256", secret).update(JSON.stringify(payload)).digest("base64");
    const d = makeDelivery([["Authorization", `HMACSHA256 ${hash}`]], JSON.stringify(payload));
    assert.equal((await verifyBracken(d, { at: AT, secrets: [secret] })).verified, true);
  });

  it("the tutorial's Node check accepts what the twin signs", () => {
    const body = Buffer.from(JSON.stringify(payload));
    const header = signBracken(body, secret);
    const front = "HMACSHA256 ";
    const hash = crypto
      .createHmac("sha256", secret)
      .update(JSON.stringify(JSON.parse(body.toString())))
      .digest("base64");
    assert.equal(front + hash, header);
  });

  it("a delivery signed with Python's hmac/base64 verifies", async () => {
    const script = `import sys, hmac, hashlib, base64
b = sys.stdin.read().encode()
print("HMACSHA256 " + base64.b64encode(hmac.new(${JSON.stringify(secret)}.encode(), b, hashlib.sha256).digest()).decode())`;
    const body = JSON.stringify(payload);
    const d = makeDelivery([["Authorization", python(script, body)]], body);
    assert.equal((await verifyBracken(d, { at: AT, secrets: [secret] })).verified, true);
  });
});

describe("Kopo Kopo SDK code", () => {
  const apiKey = "k2-api-key-for-tests";
  const hook = {
    topic: "buygoods_transaction_received",
    id: "2133dbfb-24b9-40fc-ae57-2d7559785760",
    _links: { self: "https://sandbox.kopokopo.com/webhook_events/2133dbfb", resource: "https://x" },
  };

  it("a delivery signed like the node SDK's auth helper verifies", async () => {
    const body = JSON.stringify(hook);
    const hash = crypto.createHmac("sha256", apiKey).update(body).digest("hex");
    const d = makeDelivery([["X-KopoKopo-Signature", hash]], body);
    assert.equal((await verifyKopoKopo(d, { at: AT, secrets: [apiKey] })).verified, true);
  });

  it("the python SDK's way (hmac.new(api_key, body, sha256).hexdigest()) matches the twin", () => {
    const body = JSON.stringify(hook);
    const script = `import sys, hmac, hashlib
print(hmac.new(${JSON.stringify(apiKey)}.encode(), sys.stdin.read().encode(), hashlib.sha256).hexdigest())`;
    assert.equal(python(script, body), signKopoKopo(Buffer.from(body), apiKey));
  });
});
