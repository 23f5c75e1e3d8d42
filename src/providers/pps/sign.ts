import { SignJWT } from "jose";
import type { HeaderPair } from "../../core/delivery.js";
import type { SigningKey } from "../signing-key.js";

export interface PpsTokenOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly subject: string;
  /** Unix seconds. */
  readonly iat: number;
  readonly ttlS?: number;
  readonly email?: string;
}

/** A Firebase-style ID token as PointServices sends it: RS256, exp = iat + 3600. */
export function signPpsToken(key: SigningKey, options: PpsTokenOptions): Promise<string> {
  return new SignJWT({
    email_verified: true,
    email: options.email ?? "webhooks@pointservices.example",
    iss: options.issuer,
    aud: options.audience,
    auth_time: options.iat,
    user_id: options.subject,
    sub: options.subject,
    iat: options.iat,
    exp: options.iat + (options.ttlS ?? 3600),
    firebase: { identities: {}, sign_in_provider: "custom" },
  })
    .setProtectedHeader({ alg: "RS256", kid: key.kid, typ: "JWT" })
    .sign(key.privateKey);
}

/** `2024-01-01T10:00:00.7777748Z`: UTC with 7 fractional digits, as the PPS guide shows. */
export function formatTriggeredAt(date: Date, ticks = 0): string {
  const iso = date.toISOString(); // …:00.777Z
  return `${iso.slice(0, 23)}${String(ticks % 10_000).padStart(4, "0")}Z`;
}

export interface PpsDeliveryHeaders {
  readonly topic: string;
  readonly subTopic?: string;
  readonly tenantId: string;
  readonly webhookId: string;
  readonly triggeredAt: string;
}

export function ppsHeaders(token: string, h: PpsDeliveryHeaders): HeaderPair[] {
  const headers: HeaderPair[] = [
    ["Content-Type", "application/json"],
    ["Authorization", `Bearer ${token}`],
    ["X-Pps-Topic", h.topic],
  ];
  if (h.subTopic !== undefined) headers.push(["X-Pps-Sub-Topic", h.subTopic]);
  headers.push(
    ["X-Pps-Tenant-Id", h.tenantId],
    ["X-Pps-Webhook-Id", h.webhookId],
    ["X-Pps-Triggered-At", h.triggeredAt],
  );
  return headers;
}
