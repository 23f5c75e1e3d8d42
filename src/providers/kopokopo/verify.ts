import type { Delivery } from "../../core/delivery.js";
import { isRecord, parseJsonBody, stringField } from "../../core/json-body.js";
import { type Verdict, VerdictBuilder } from "../../core/verdict.js";
import { checkHmac } from "../hmac-check.js";
import type { VerifyOptions } from "../types.js";
import { scheme } from "./scheme.js";

/**
 * Where a Kopo Kopo body names its event and dedupe key. Three shapes arrive signed the same way:
 * webhook events (`topic`, `_links.self`), incoming-payment results posted to a callback_url
 * (`data.type`, `data.attributes._links.self`) and Daraja-format bodies (`TransactionType`, `TransID`).
 */
export function kopokopoIdentity(
  value: unknown,
): { event: string; dedupeKey: string; shape: string; dedupeOn: string } | undefined {
  if (!isRecord(value)) return undefined;
  const topic = stringField(value, "topic");
  const self = isRecord(value._links) ? stringField(value._links, "self") : undefined;
  if (topic !== undefined && self !== undefined)
    return { event: topic, dedupeKey: self, shape: "webhook event", dedupeOn: "_links.self" };
  const data = value.data;
  if (isRecord(data) && isRecord(data.attributes)) {
    const type = stringField(data, "type");
    const links = data.attributes._links;
    const resultSelf = isRecord(links) ? stringField(links, "self") : undefined;
    if (type !== undefined && resultSelf !== undefined)
      return {
        event: type,
        dedupeKey: resultSelf,
        shape: `${type} result`,
        dedupeOn: "data.attributes._links.self",
      };
  }
  const transId = stringField(value, "TransID");
  const transType = stringField(value, "TransactionType");
  if (transId !== undefined && transType !== undefined)
    return {
      event: `daraja:${transType}`,
      dedupeKey: `daraja:${transId}`,
      shape: "Daraja payload",
      dedupeOn: "TransID",
    };
  return undefined;
}

export async function verifyKopoKopo(delivery: Delivery, options: VerifyOptions): Promise<Verdict> {
  const v = new VerdictBuilder("kopokopo");
  const body = parseJsonBody(delivery.body);
  const identity = body.ok ? kopokopoIdentity(body.value) : undefined;
  if (body.ok) {
    v.event = identity?.event ?? stringField(body.value, "topic") ?? null;
    v.dedupeKey = identity?.dedupeKey ?? null;
    v.meta.eventId = stringField(body.value, "id") ?? null;
    const created = Date.parse(stringField(body.value, "created_at") ?? "");
    v.meta.sentAt = Number.isNaN(created) ? null : created / 1000;
  }

  const failed = checkHmac(v, delivery, options.secrets, scheme);
  if (failed) return failed;

  if (!body.ok) return v.fail("body", "malformed_body", body.detail);
  if (!identity)
    return v.fail(
      "body",
      "malformed_body",
      'body is none of the shapes Kopo Kopo signs: no "topic" with "_links.self", no "data.attributes._links.self", no Daraja "TransID"',
    );
  v.pass("body", `${identity.shape} ${identity.event}; dedupe on ${identity.dedupeOn}`);
  return v.ok();
}
