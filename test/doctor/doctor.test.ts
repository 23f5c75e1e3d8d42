import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createRequire, syncBuiltinESMExports } from "node:module";
import { describe, test } from "node:test";
import type { Delivery, HeaderPair } from "../../src/core/delivery.js";
import { DIAGNOSIS_CODES } from "../../src/core/diagnosis.js";
import type { ProviderId } from "../../src/core/provider-id.js";
import { VerdictBuilder } from "../../src/core/verdict.js";
import { diagnose } from "../../src/providers/doctor/index.js";
import { DOCTOR_HMAC_BUDGET, type NamedSecret } from "../../src/providers/doctor/types.js";
import { PROVIDERS } from "../../src/providers/index.js";
import {
  AT,
  AT_S,
  brackenHeaders,
  dfnsEvent,
  dfnsHeaders,
  kopokopoEvent,
  kopokopoHeaders,
  randomHex,
  SECRET,
} from "./mistakes.js";

const delivery = (headers: HeaderPair[], body: Uint8Array | string): Delivery => ({
  id: "d1",
  method: "POST",
  path: "/webhooks",
  headers,
  body: Buffer.from(body),
  receivedAt: AT,
});

async function doctor(
  provider: ProviderId,
  d: Delivery,
  secrets: NamedSecret[],
  candidates: NamedSecret[] = [],
  at = AT,
) {
  const verdict = await PROVIDERS[provider].verify(d, { at, secrets: secrets.map((s) => s.secret) });
  return { verdict, diagnosis: await diagnose(provider, d, verdict, { at, secrets, candidates }) };
}
const codes = (found: { diagnosis: readonly { code: string }[] }) => found.diagnosis.map((d) => d.code);
const env = (source: string, secret: string): NamedSecret => ({ source, secret });

describe("diagnose: each probe finds its mistake", () => {
  const body = Buffer.from(JSON.stringify(dfnsEvent()));

  test("secret_whitespace: a secret file written with echo (trailing newline)", async () => {
    const found = await doctor("dfns", delivery(dfnsHeaders(body), body), [
      env("DFNS_WEBHOOK_SECRET", `${SECRET}\n`),
    ]);
    assert.deepEqual(codes(found), ["secret_whitespace"]);
    assert.match(found.diagnosis[0]?.detail ?? "", /DFNS_WEBHOOK_SECRET with a newline trimmed off/);
  });

  test("secret_whitespace: an unterminated quote kept literally", async () => {
    const found = await doctor("dfns", delivery(dfnsHeaders(body), body), [
      env("DFNS_WEBHOOK_SECRET", `"${SECRET}`),
    ]);
    assert.deepEqual(codes(found), ["secret_whitespace"]);
    assert.match(found.diagnosis[0]?.detail ?? "", /quote/);
  });

  test("secret_encoding: the sender keys with the base64-decoded bytes", async () => {
    const raw = Buffer.from("0123456789abcdef0123456789abcdef");
    const configured = raw.toString("base64");
    const headers: HeaderPair[] = [
      ["Authorization", `HMACSHA256 ${createHmac("sha256", raw).update(body).digest("base64")}`],
    ];
    const found = await doctor("bracken", delivery(headers, body), [
      env("BRACKEN_WEBHOOK_SECRET", configured),
    ]);
    assert.deepEqual(codes(found), ["secret_encoding"]);
    assert.match(found.diagnosis[0]?.detail ?? "", /base64-decoded/);
  });

  test("secret_wrong_credential: Kopo Kopo signed with the client secret names the variable, not the value", async () => {
    const kbody = Buffer.from(JSON.stringify(kopokopoEvent()));
    const clientSecret = "k2-client-secret-value";
    const found = await doctor(
      "kopokopo",
      delivery(kopokopoHeaders(kbody, clientSecret), kbody),
      [env("KOPOKOPO_API_KEY", SECRET)],
      [env("KOPOKOPO_CLIENT_SECRET", clientSecret), env("DFNS_WEBHOOK_SECRET", "other")],
    );
    assert.deepEqual(codes(found), ["secret_wrong_credential"]);
    assert.match(found.diagnosis[0]?.detail ?? "", /KOPOKOPO_CLIENT_SECRET, not KOPOKOPO_API_KEY/);
    assert.ok(!JSON.stringify(found.diagnosis).includes(clientSecret));
  });

  test("header_combined: two signature headers merged by a proxy", async () => {
    const [, sig] = dfnsHeaders(body)[1] ?? [];
    const headers: HeaderPair[] = [["X-DFNS-WEBHOOK-SIGNATURE", `sha256=${randomHex()}, ${sig}`]];
    const found = await doctor("dfns", delivery(headers, body), [env("DFNS_WEBHOOK_SECRET", SECRET)]);
    assert.equal(found.verdict.reason, "malformed_header");
    assert.deepEqual(codes(found), ["header_combined"]);
    assert.match(found.diagnosis[0]?.detail ?? "", /value 2 is a valid signature/);
  });

  test("wrong_provider: a Dfns delivery checked as Bracken", async () => {
    const found = await doctor("bracken", delivery(dfnsHeaders(body), body), [
      env("BRACKEN_WEBHOOK_SECRET", SECRET),
    ]);
    assert.deepEqual(codes(found), ["wrong_provider"]);
    assert.match(found.diagnosis[0]?.fix ?? "", /--provider dfns/);
  });

  test("body_truncated: shorter than its Content-Length", async () => {
    const cut = body.subarray(0, 40);
    const headers = [...dfnsHeaders(body), ["Content-Length", String(body.length)] as HeaderPair];
    const found = await doctor("dfns", delivery(headers, cut), [env("DFNS_WEBHOOK_SECRET", SECRET)]);
    assert.deepEqual(codes(found), ["body_truncated"]);
    assert.match(
      found.diagnosis[0]?.detail ?? "",
      new RegExp(`40 bytes but its Content-Length says ${body.length}`),
    );
  });

  test("body_truncated: JSON cut short without a Content-Length", async () => {
    const cut = body.subarray(0, 60);
    const found = await doctor("dfns", delivery(dfnsHeaders(body), cut), [
      env("DFNS_WEBHOOK_SECRET", SECRET),
    ]);
    assert.deepEqual(codes(found), ["body_truncated"]);
  });

  test("body_reserialised: pretty original re-written compact with escapes changed", async () => {
    const original = Buffer.from(JSON.stringify(dfnsEvent(), null, 2).replaceAll("/", "\\/"));
    const found = await doctor("dfns", delivery(dfnsHeaders(original), body), [
      env("DFNS_WEBHOOK_SECRET", SECRET),
    ]);
    assert.deepEqual(codes(found), ["body_reserialised"]);
    assert.match(found.diagnosis[0]?.detail ?? "", /pretty-printed \(2 spaces\), \/ as \\\//);
  });

  test("timestamp_skew: Date header agrees with the signed time → the receiving clock", async () => {
    const sent = AT_S - 900;
    const late = Buffer.from(JSON.stringify(dfnsEvent(sent)));
    const headers = [...dfnsHeaders(late), ["Date", new Date(sent * 1000).toUTCString()] as HeaderPair];
    const found = await doctor("dfns", delivery(headers, late), [env("DFNS_WEBHOOK_SECRET", SECRET)]);
    assert.equal(found.verdict.reason, "timestamp_outside_window");
    assert.deepEqual(codes(found), ["timestamp_skew"]);
    assert.match(found.diagnosis[0]?.detail ?? "", /15 min after.*receiving clock .* 15 min ahead/);
  });

  test("timestamp_skew: Date header at receipt → a late retry or replay", async () => {
    const sent = AT_S - 7200;
    const late = Buffer.from(JSON.stringify(dfnsEvent(sent)));
    const headers = [...dfnsHeaders(late), ["Date", AT.toUTCString()] as HeaderPair];
    const found = await doctor("dfns", delivery(headers, late), [env("DFNS_WEBHOOK_SECRET", SECRET)]);
    assert.match(found.diagnosis[0]?.detail ?? "", /late retry or a replay/);
  });

  test("most likely first: a merged header is named before anything about the body", async () => {
    const ordered = [...DIAGNOSIS_CODES];
    assert.ok(ordered.indexOf("header_combined") < ordered.indexOf("body_reserialised"));
  });
});

describe("diagnose: what it must not do", () => {
  const body = Buffer.from(JSON.stringify(dfnsEvent()));
  const bodyK = Buffer.from(JSON.stringify(kopokopoEvent()));

  for (const [provider, headers, b] of [
    ["dfns", [["X-DFNS-WEBHOOK-SIGNATURE", `sha256=${randomHex()}`]], body],
    ["kopokopo", [["X-KopoKopo-Signature", randomHex()]], bodyK],
    [
      "bracken",
      [["Authorization", `HMACSHA256 ${Buffer.from(randomHex(), "hex").toString("base64")}`]],
      body,
    ],
  ] as const)
    test(`a plain forgery (random ${provider} signature) gets no diagnosis blaming the setup`, async () => {
      const found = await doctor(
        provider,
        delivery([...headers], b),
        [env("SECRET_VAR", SECRET), env("--secret #2", `${SECRET}-old`)],
        [env("KOPOKOPO_CLIENT_SECRET", "cs"), env("state.json: x", "saved")],
      );
      assert.equal(found.verdict.reason, "signature_mismatch");
      assert.deepEqual(found.diagnosis, []);
    });

  test("a verified delivery gets nothing", async () => {
    const found = await doctor("dfns", delivery(dfnsHeaders(body), body), [env("V", SECRET)]);
    assert.equal(found.verdict.verified, true);
    assert.deepEqual(found.diagnosis, []);
  });

  test("regression: a 5,000-level forged body gets [] instead of a stack overflow", async () => {
    // Built by hand: today's verifier itself overflows on this body (its compact fallback recurses).
    const deep = Buffer.from(`${"[".repeat(5000)}${"]".repeat(5000)}`);
    const verdict = new VerdictBuilder("bracken").fail("signature", "signature_mismatch", "no match");
    const d = delivery(brackenHeaders(body), deep);
    assert.deepEqual(
      await diagnose("bracken", d, verdict, { at: AT, secrets: [env("V", SECRET)], candidates: [] }),
      [],
    );
  });
});

describe("diagnose: bounded", () => {
  // Counts every HMAC node:crypto computes, wherever it is called from.
  const crypto = createRequire(import.meta.url)("node:crypto") as typeof import("node:crypto");
  const original = crypto.createHmac;
  async function countHmacs(run: () => Promise<unknown>): Promise<number> {
    let n = 0;
    crypto.createHmac = ((...args: Parameters<typeof original>) => {
      n++;
      return original(...args);
    }) as typeof original;
    syncBuiltinESMExports();
    try {
      await run();
    } finally {
      crypto.createHmac = original;
      syncBuiltinESMExports();
    }
    return n;
  }

  test(`a forgery costs at most ${DOCTOR_HMAC_BUDGET} HMACs, even with many secrets and candidates`, async () => {
    const body = Buffer.from(JSON.stringify({ ...dfnsEvent(), html: "<a & b>" }));
    const d = delivery([["X-DFNS-WEBHOOK-SIGNATURE", `sha256=${randomHex()}`]], body);
    const secrets = Array.from({ length: 5 }, (_, i) => env(`--secret #${i + 1}`, ` "secret-${i}" `));
    const candidates = Array.from({ length: 30 }, (_, i) => env(`VAR_${i}_SECRET`, `candidate-${i}`));
    const verdict = await PROVIDERS.dfns.verify(d, { at: AT, secrets: secrets.map((s) => s.secret) });
    const n = await countHmacs(() => diagnose("dfns", d, verdict, { at: AT, secrets, candidates }));
    assert.ok(n > DOCTOR_HMAC_BUDGET / 2, `the doctor tried only ${n}`);
    assert.ok(n <= DOCTOR_HMAC_BUDGET, `${n} HMACs`);
  });

  test("a verified delivery costs the doctor no HMAC at all", async () => {
    const body = Buffer.from(JSON.stringify(dfnsEvent()));
    const d = delivery(dfnsHeaders(body), body);
    const verdict = await PROVIDERS.dfns.verify(d, { at: AT, secrets: [SECRET] });
    const n = await countHmacs(() =>
      diagnose("dfns", d, verdict, { at: AT, secrets: [env("V", SECRET)], candidates: [] }),
    );
    assert.equal(n, 0);
  });
});
