import { fromHex } from "../../core/bytes.js";
import type { Delivery } from "../../core/delivery.js";
import { isRecord, parseJsonBody, stringField } from "../../core/json-body.js";
import { type Verdict, VerdictBuilder } from "../../core/verdict.js";
import { checkHmac, type HmacScheme } from "../hmac-check.js";
import type { VerifyOptions } from "../types.js";
import { KOPOKOPO_SIGNATURE_HEADER } from "./info.js";

const scheme: HmacScheme = {
  header: KOPOKOPO_SIGNATURE_HEADER,
  format: "<64 hex digits>",
  parse: (value) => fromHex(value, 32),
  // The official node SDK verifies over JSON.stringify(req.body) — k2-connect-node lib/webhooks.js.
  compactFallback: true,
  secretHint: "set KOPOKOPO_API_KEY (the API key, not the client secret) or pass --secret",
};

export async function verifyKopoKopo(delivery: Delivery, options: VerifyOptions): Promise<Verdict> {
  const v = new VerdictBuilder("kopokopo");
  const body = parseJsonBody(delivery.body);
  const links = body.ok && isRecord(body.value) ? body.value._links : undefined;
  if (body.ok) {
    v.event = stringField(body.value, "topic") ?? null;
    v.dedupeKey = stringField(links, "self") ?? null;
    v.meta.eventId = stringField(body.value, "id") ?? null;
  }

  const failed = checkHmac(v, delivery, options.secrets, scheme);
  if (failed) return failed;

  if (!body.ok) return v.fail("body", "malformed_body", body.detail);
  if (v.event === null) return v.fail("body", "malformed_body", 'body has no "topic"');
  if (v.dedupeKey === null)
    return v.fail("body", "malformed_body", 'body has no "_links.self" (the dedupe key)');
  v.pass("body", `topic ${v.event}; dedupe on _links.self`);
  return v.ok();
}
