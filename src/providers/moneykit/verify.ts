import { fromHex, preview, safeEqual, sha256 } from "../../core/bytes.js";
import { type Delivery, headerValue } from "../../core/delivery.js";
import { parseJsonBody, stringField } from "../../core/json-body.js";
import { describeOffset, verifyJwt } from "../../core/jwt.js";
import { type Verdict, VerdictBuilder } from "../../core/verdict.js";
import { findKey, readToken } from "../jwt-steps.js";
import type { VerifyOptions } from "../types.js";
import { MONEYKIT_LEEWAY_S, MONEYKIT_MAX_AGE_S, MONEYKIT_SIGNATURE_HEADER, moneykitInfo } from "./info.js";

export async function verifyMoneyKit(delivery: Delivery, options: VerifyOptions): Promise<Verdict> {
  const v = new VerdictBuilder("moneykit");
  for (const name of moneykitInfo.deliveryHeaders) {
    const value = headerValue(delivery.headers, name);
    if (value !== undefined) v.deliveryHeaders[name] = value;
  }
  const body = parseJsonBody(delivery.body);
  if (body.ok) {
    v.event = stringField(body.value, "webhook_event") ?? null;
    v.dedupeKey = stringField(body.value, "webhook_idempotency_key") ?? null;
    v.meta.linkId = stringField(body.value, "link_id") ?? null;
    v.meta.webhookTimestamp = stringField(body.value, "webhook_timestamp") ?? null;
  }

  const token = headerValue(delivery.headers, MONEYKIT_SIGNATURE_HEADER)?.trim();
  if (token === undefined)
    return v.fail("signature-header", "missing_header", `no ${MONEYKIT_SIGNATURE_HEADER} header`);
  const read = readToken(v, token, "signature-header", "ES256");
  if (read.verdict) return read.verdict;
  const key = await findKey(v, options.keys, read.value);
  if (key.verdict) return key.verdict;

  // No exp is published on MoneyKit tokens: judge iat with the example's 5 min leeway, up to the retry horizon.
  const result = await verifyJwt(token, key.value.jwk, {
    algorithms: ["ES256"],
    at: options.at,
    clockToleranceS: MONEYKIT_LEEWAY_S,
    maxTokenAgeS: MONEYKIT_MAX_AGE_S - MONEYKIT_LEEWAY_S,
  });
  if (!result.ok)
    return v.fail(result.step === "signature" ? "signature" : "issued-at", result.reason, result.detail);
  v.pass("signature", "ES256 signature valid");
  const iat = result.claims.iat ?? 0;
  v.meta.sentAt = iat;
  v.pass(
    "issued-at",
    `${describeOffset(iat, options.at, "iat")}; allowed ${MONEYKIT_LEEWAY_S} s ahead to ${MONEYKIT_MAX_AGE_S} s old`,
  );

  const claimed = result.claims.request_body_sha256;
  const claimedBytes = typeof claimed === "string" ? fromHex(claimed, 32) : undefined;
  if (!claimedBytes)
    return v.fail(
      "body-hash",
      "malformed_header",
      `request_body_sha256 claim is not 64 hex digits: ${preview(String(claimed))}`,
    );
  const actual = sha256(delivery.body);
  if (!safeEqual(actual, claimedBytes))
    return v.fail(
      "body-hash",
      "body_hash_mismatch",
      `sha256 of the raw body is ${actual.toString("hex").slice(0, 16)}…, token says ${String(claimed).slice(0, 16)}…`,
    );
  v.pass("body-hash", "sha256 of the raw body matches request_body_sha256");

  if (!body.ok) return v.fail("body", "malformed_body", body.detail);
  v.pass("body", v.event === null ? "JSON (no webhook_event field)" : `event ${v.event}`);
  return v.ok();
}
