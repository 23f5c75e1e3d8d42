import { sha256 } from "../../core/bytes.js";
import type { HeaderPair } from "../../core/delivery.js";
import { resignHmac } from "../resign.js";
import type { Outbound, OutboundCredentials, OutboundDelivery } from "../types.js";
import { BRACKEN_EVENTS } from "./info.js";
import { brackenEventName, brackenSampleBody } from "./samples.js";
import { scheme } from "./scheme.js";
import { signBracken } from "./sign.js";

/**
 * Bracken signs `JSON.stringify(body)` (seed 003): sending compact JSON makes the bytes on the wire
 * the bytes signed, so a receiver verifying raw bytes and one re-serialising both agree.
 */
export function brackenBytes(body: unknown): Buffer {
  return Buffer.from(JSON.stringify(body));
}

export function brackenHeaders(body: Uint8Array, secret: string): HeaderPair[] {
  return [
    ["Content-Type", "application/json; charset=utf-8"],
    ["Authorization", signBracken(body, secret)],
  ];
}

/** No event id is documented: receivers dedupe on a hash of the raw body (providers.md). */
export function brackenDedupeKey(body: Uint8Array): string {
  return `sha256:${sha256(body).toString("hex")}`;
}

async function build(event: string, credentials: OutboundCredentials, at: Date): Promise<OutboundDelivery> {
  const name = brackenEventName(event);
  if (name === undefined)
    throw new Error(`unknown Bracken event "${event}" (known: ${BRACKEN_EVENTS.join(", ")})`);
  const secret = credentials.secret;
  if (!secret) throw new Error("Bracken deliveries are signed with the subscription secret: none given");
  const body = brackenBytes(brackenSampleBody(name, { at }));
  return { headers: brackenHeaders(body, secret), body, eventId: brackenDedupeKey(body) };
}

export const brackenOutbound: Outbound = {
  // No timestamp in this scheme: the same bytes, signed again (e.g. with a rotated secret).
  resign: async (message, credentials) => resignHmac(scheme, message, credentials),
  events: BRACKEN_EVENTS,
  canonicalEvent: brackenEventName,
  build,
};
