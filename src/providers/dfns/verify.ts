import type { Delivery } from "../../core/delivery.js";
import { numberField, parseJsonBody, stringField } from "../../core/json-body.js";
import { type Verdict, VerdictBuilder } from "../../core/verdict.js";
import { checkHmac } from "../hmac-check.js";
import type { VerifyOptions } from "../types.js";
import { DFNS_WINDOW_S } from "./info.js";
import { scheme } from "./scheme.js";

export async function verifyDfns(delivery: Delivery, options: VerifyOptions): Promise<Verdict> {
  const v = new VerdictBuilder("dfns");
  const body = parseJsonBody(delivery.body);
  if (body.ok) {
    v.event = stringField(body.value, "kind") ?? null;
    v.dedupeKey = stringField(body.value, "id") ?? null;
    v.meta.deliveryAttempt = numberField(body.value, "deliveryAttempt") ?? null;
    v.meta.retryOf = stringField(body.value, "retryOf") ?? null;
    v.meta.sentAt = numberField(body.value, "timestampSent") ?? null;
  }

  const failed = checkHmac(v, delivery, options.secrets, scheme);
  if (failed) return failed;

  if (!body.ok) return v.fail("timestamp", "malformed_body", body.detail);
  const sent = numberField(body.value, "timestampSent");
  if (sent === undefined) return v.fail("timestamp", "malformed_body", "body has no numeric timestampSent");
  const skew = options.at.getTime() / 1000 - sent;
  const wording =
    skew >= 0 ? `sent ${Math.round(skew)} s before receipt` : `sent ${Math.round(-skew)} s after receipt`;
  if (Math.abs(skew) >= DFNS_WINDOW_S)
    return v.fail("timestamp", "timestamp_outside_window", `${wording}; window ${DFNS_WINDOW_S} s`);
  v.pass("timestamp", `${wording}; window ${DFNS_WINDOW_S} s`);
  return v.ok();
}
