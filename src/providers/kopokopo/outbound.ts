import type { HeaderPair } from "../../core/delivery.js";
import { resignHmac } from "../resign.js";
import type { Outbound, OutboundCredentials, OutboundDelivery } from "../types.js";
import { KOPOKOPO_SIGNATURE_HEADER } from "./info.js";
import { isKopoKopoEvent, KOPOKOPO_EVENTS, type KopoKopoEvent, kopokopoSampleBody } from "./samples.js";
import { scheme } from "./scheme.js";
import { signKopoKopo } from "./sign.js";

/** Topics are lower-case snake case; accept any case from a user. */
function canonicalEvent(event: string): KopoKopoEvent | undefined {
  const lower = event.trim().toLowerCase();
  return isKopoKopoEvent(lower) ? lower : undefined;
}

/** The headers of a Kopo Kopo delivery: JSON, and the hex HMAC of the exact body under the API key. */
export function kopokopoHeaders(body: Uint8Array, apiKey: string): HeaderPair[] {
  return [
    ["Content-Type", "application/json"],
    [KOPOKOPO_SIGNATURE_HEADER, signKopoKopo(body, apiKey)],
  ];
}

/** Compact JSON (what Kopo Kopo sends; the SDK vector is compact too). */
export function kopokopoBytes(body: unknown): Buffer {
  return Buffer.from(JSON.stringify(body));
}

async function build(event: string, credentials: OutboundCredentials, at: Date): Promise<OutboundDelivery> {
  const topic = canonicalEvent(event);
  if (topic === undefined)
    throw new Error(`unknown Kopo Kopo event "${event}" (known: ${KOPOKOPO_EVENTS.join(", ")})`);
  const apiKey = credentials.secret;
  if (!apiKey) throw new Error("Kopo Kopo deliveries are signed with the API key: none given");
  const sample = kopokopoSampleBody(topic, { at });
  const body = kopokopoBytes(sample);
  // providers.md: receivers dedupe on `_links.self`.
  return { headers: kopokopoHeaders(body, apiKey), body, eventId: sample._links.self };
}

export const kopokopoOutbound: Outbound = {
  // No timestamp in this scheme: the same bytes, signed again (e.g. with a rotated secret).
  resign: async (message, credentials) => resignHmac(scheme, message, credentials),
  events: KOPOKOPO_EVENTS,
  canonicalEvent,
  build,
};
