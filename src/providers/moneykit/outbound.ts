import { randomUUID } from "node:crypto";
import { headerValue } from "../../core/delivery.js";
import { claimsOf } from "../jwt-claims.js";
import { withHeader } from "../resign.js";
import type { Outbound, OutboundCredentials, OutboundDelivery } from "../types.js";
import {
  MONEYKIT_DEFAULT_API_URL,
  MONEYKIT_EVENT_ALIASES,
  MONEYKIT_EVENTS,
  MONEYKIT_SIGNATURE_HEADER,
} from "./info.js";
import { isMoneyKitEvent, moneykitSampleBody } from "./samples.js";
import { moneykitHeaders, signMoneyKit } from "./sign.js";

/** The real event name for a real name or a seed alias (providers.md: seed 000 misspells two). */
function canonicalEvent(event: string): string | undefined {
  if (isMoneyKitEvent(event)) return event;
  return MONEYKIT_EVENT_ALIASES[event];
}

/**
 * A first delivery attempt exactly as MoneyKit sends it: compact JSON body, `MoneyKit-Signature`
 * (ES256 JWT over the body's sha256, iat = `at`), a delivery token and attempt 1.
 */
async function build(event: string, credentials: OutboundCredentials, at: Date): Promise<OutboundDelivery> {
  const name = canonicalEvent(event);
  if (name === undefined || !isMoneyKitEvent(name))
    throw new Error(`unknown MoneyKit event "${event}" (known: ${MONEYKIT_EVENTS.join(", ")})`);
  const key = credentials.key;
  if (!key) throw new Error("MoneyKit deliveries are signed with an ES256 key: none given");
  if (key.alg !== "ES256") throw new Error(`MoneyKit signs with ES256, not ${key.alg}`);
  const sample = moneykitSampleBody(name, at);
  const body = Buffer.from(JSON.stringify(sample));
  const signature = await signMoneyKit(body, key, {
    iat: Math.floor(at.getTime() / 1000),
    issuer: credentials.issuer ?? MONEYKIT_DEFAULT_API_URL,
  });
  return {
    headers: moneykitHeaders(signature, randomUUID(), 1),
    body,
    eventId: String(sample.webhook_idempotency_key),
  };
}

export const moneykitOutbound: Outbound = {
  /** A fresh `iat` over the same body hash, signed with whtool's test key (MoneyKit's own is MoneyKit's). */
  async resign(message, credentials, at) {
    if (credentials.key === undefined) throw new Error("re-signing a MoneyKit delivery needs a signing key");
    const issuer =
      credentials.issuer ?? claimsOf(headerValue(message.headers, MONEYKIT_SIGNATURE_HEADER)).iss;
    const signature = await signMoneyKit(message.body, credentials.key, {
      iat: Math.floor(at.getTime() / 1000),
      ...(issuer === undefined ? {} : { issuer }),
    });
    return { headers: withHeader(message.headers, MONEYKIT_SIGNATURE_HEADER, signature), body: message.body };
  },
  events: MONEYKIT_EVENTS,
  canonicalEvent,
  build,
};
