import type { ProviderInfo } from "../types.js";

export const MONEYKIT_SIGNATURE_HEADER = "MoneyKit-Signature";
export const MONEYKIT_DEFAULT_API_URL = "https://api.moneykit.com";
/** The official example verifies with 5 minutes of leeway on iat (moneykit/examples use_webhooks). */
export const MONEYKIT_LEEWAY_S = 300;
/** An iat older than MoneyKit's retry horizon (two hours) cannot come from a genuine delivery. */
export const MONEYKIT_MAX_AGE_S = 7200;

export const MONEYKIT_EVENTS = [
  "link.state_changed",
  "link.product_refresh",
  "transactions.updates_available",
] as const;
/** Seed 000 misspells two events; accept its spellings and send the real names. */
export const MONEYKIT_EVENT_ALIASES: Readonly<Record<string, string>> = {
  "link.product_refreshed": "link.product_refresh",
  "links.state_changed": "link.state_changed",
};

export const moneykitInfo: ProviderInfo = {
  id: "moneykit",
  name: "MoneyKit",
  scheme: "ES256 JWT in MoneyKit-Signature, key by kid from the JWKS, request_body_sha256 of the raw body",
  signatureHeader: MONEYKIT_SIGNATURE_HEADER,
  deliveryHeaders: ["MoneyKit-Delivery-Token", "MoneyKit-Delivery-Attempt"],
  verifyEnv: ["MONEYKIT_API_URL (JWKS at /.well-known/jwks.json) or --jwks-file / --jwks-url"],
  apiEnv: ["MONEYKIT_CLIENT_ID", "MONEYKIT_CLIENT_SECRET"],
  urlEnv: ["MONEYKIT_API_URL"],
  events: MONEYKIT_EVENTS,
  dedupe: "webhook_idempotency_key (kept across retries)",
  retries:
    "non-2xx retried with exponential backoff for up to two hours; same idempotency key, attempt header increments",
  rejectStatus: 401,
  unknowns: [
    "exact backoff schedule",
    "MoneyKit-Delivery-Attempt format (taken as an integer string from 1)",
    "DELETE /links/{id} status (204 emulated)",
    "test-webhook rate limit",
  ],
};
