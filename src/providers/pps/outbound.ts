import { randomInt, randomUUID } from "node:crypto";
import { utf8 } from "../../core/bytes.js";
import { type HeaderPair, headerValue } from "../../core/delivery.js";
import { claimsOf } from "../jwt-claims.js";
import { withHeader } from "../resign.js";
import type { SigningKey } from "../signing-key.js";
import type { Outbound, OutboundCredentials, OutboundDelivery } from "../types.js";
import {
  defaultSubTopic,
  isPpsTopic,
  PPS_TOPICS,
  type PpsSampleContext,
  type PpsTopic,
  ppsSample,
} from "./samples.js";
import { formatTriggeredAt, ppsHeaders, signPpsToken } from "./sign.js";

/** The tenant id the PPS guide uses as its example. */
export const PPS_SAMPLE_TENANT = "OU1243";
/** `sub`/`user_id` of the sending service account, in the guide's `xpps|…` form. */
export const PPS_SAMPLE_SUBJECT = "xpps|Ua";

/** One PointServices event, fixed across every attempt to deliver it. */
export interface PpsEventEnvelope {
  readonly topic: string;
  readonly subTopic?: string;
  readonly tenantId: string;
  /** UUID; the same on every retry (receivers dedupe on it — PPS guide). */
  readonly webhookId: string;
  /** formatTriggeredAt(): when the event was triggered, not when this attempt was sent. */
  readonly triggeredAt: string;
  /** Compact JSON bytes. */
  readonly body: Uint8Array;
  /** Further X-Pps-* headers a test-webhook caller supplied, appended after the standard ones. */
  readonly extraHeaders?: readonly HeaderPair[];
}

export interface PpsSigner {
  readonly key: SigningKey;
  readonly issuer: string;
  readonly audience: string;
  readonly subject?: string;
}

/** Signs one attempt of an event: a fresh ID token issued at `at` (exp = iat + 3600), the X-Pps-* headers. */
export async function signPpsDelivery(
  signer: PpsSigner,
  event: PpsEventEnvelope,
  at: Date,
): Promise<OutboundDelivery> {
  const token = await signPpsToken(signer.key, {
    issuer: signer.issuer,
    audience: signer.audience,
    subject: signer.subject ?? PPS_SAMPLE_SUBJECT,
    iat: Math.floor(at.getTime() / 1000),
  });
  const headers = ppsHeaders(token, {
    topic: event.topic,
    ...(event.subTopic === undefined ? {} : { subTopic: event.subTopic }),
    tenantId: event.tenantId,
    webhookId: event.webhookId,
    triggeredAt: event.triggeredAt,
  });
  return { headers: [...headers, ...(event.extraHeaders ?? [])], body: event.body, eventId: event.webhookId };
}

/** Random ids for a sample, in PointServices' formats (UUIDs, `SO-` order numbers). */
export function randomSampleContext(tenantId: string, at: Date, subTopic: string): PpsSampleContext {
  return {
    tenantId,
    at,
    subTopic,
    orderId: randomUUID(),
    orderNumber: `SO-${String(randomInt(1_000_000, 10_000_000))}`,
    customerId: randomUUID(),
    shipmentId: randomUUID(),
  };
}

/** A new event for a sample topic: fresh webhook id, Triggered-At with 7 fractional digits, compact body. */
export function sampleEnvelope(
  topic: PpsTopic,
  tenantId: string,
  at: Date,
  subTopic: string = defaultSubTopic(topic),
): PpsEventEnvelope {
  return {
    topic,
    subTopic,
    tenantId,
    webhookId: randomUUID(),
    triggeredAt: formatTriggeredAt(at, randomInt(10_000)),
    body: utf8(JSON.stringify(ppsSample(topic, randomSampleContext(tenantId, at, subTopic)))),
  };
}

function canonicalEvent(event: string): PpsTopic | undefined {
  const name = event.trim().toLowerCase();
  return isPpsTopic(name) ? name : undefined;
}

function signerOf(credentials: OutboundCredentials): PpsSigner {
  const { key, issuer, audience } = credentials;
  if (key?.alg !== "RS256") throw new Error("PointServices deliveries need an RS256 signing key");
  if (!issuer || !audience)
    throw new Error("PointServices deliveries need an issuer and an audience (project id)");
  return { key, issuer, audience };
}

export const ppsOutbound: Outbound = {
  /** A fresh token (iat = at, exp an hour later) from whtool's test issuer; the body is not covered by it. */
  async resign(message, credentials, at) {
    const { key } = credentials;
    if (key === undefined) throw new Error("re-signing a PointServices delivery needs a signing key");
    // The same claims as captured (issuer, audience, subject) unless given, with a fresh iat/exp.
    const old = claimsOf(/^Bearer\s+(\S+)$/i.exec(headerValue(message.headers, "Authorization") ?? "")?.[1]);
    const oldAudience = Array.isArray(old.aud) ? old.aud[0] : old.aud;
    const token = await signPpsToken(key, {
      issuer: credentials.issuer ?? old.iss ?? "",
      audience: credentials.audience ?? oldAudience ?? "",
      subject: old.sub ?? "whtool-replay",
      iat: Math.floor(at.getTime() / 1000),
      ...(typeof old.email === "string" ? { email: old.email } : {}),
    });
    const withToken = withHeader(message.headers, "Authorization", `Bearer ${token}`);
    const triggered = headerValue(message.headers, "X-Pps-Triggered-At") === undefined;
    return {
      headers: triggered ? withToken : withHeader(withToken, "X-Pps-Triggered-At", formatTriggeredAt(at)),
      body: message.body,
    };
  },
  events: PPS_TOPICS,
  canonicalEvent,
  async build(event: string, credentials: OutboundCredentials, at: Date): Promise<OutboundDelivery> {
    const topic = canonicalEvent(event);
    if (topic === undefined)
      throw new Error(`unknown PointServices topic "${event}" (known: ${PPS_TOPICS.join(", ")})`);
    return signPpsDelivery(signerOf(credentials), sampleEnvelope(topic, PPS_SAMPLE_TENANT, at), at);
  },
};
