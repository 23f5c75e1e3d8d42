import { sha256 } from "../../core/bytes.js";
import type { Delivery } from "../../core/delivery.js";
import { isRecord, parseJsonBody } from "../../core/json-body.js";
import { type Verdict, VerdictBuilder } from "../../core/verdict.js";
import { checkHmac } from "../hmac-check.js";
import type { VerifyOptions } from "../types.js";
import { scheme } from "./scheme.js";

/** The payload schema is not published: take the event name from the first field that looks like one. */
const EVENT_FIELDS = ["event", "Event", "eventName", "EventName", "eventType", "EventType", "type", "Type"];

export async function verifyBracken(delivery: Delivery, options: VerifyOptions): Promise<Verdict> {
  const v = new VerdictBuilder("bracken");
  v.dedupeKey = `sha256:${sha256(delivery.body).toString("hex")}`;
  const body = parseJsonBody(delivery.body);
  if (body.ok && isRecord(body.value)) {
    const record = body.value;
    const field = EVENT_FIELDS.find((name) => typeof record[name] === "string");
    v.event = field === undefined ? null : (record[field] as string);
  }

  const failed = checkHmac(v, delivery, options.secrets, scheme);
  if (failed) return failed;

  if (!body.ok) return v.fail("body", "malformed_body", body.detail);
  v.pass("body", `JSON, ${delivery.body.length} bytes`);
  return v.ok();
}
