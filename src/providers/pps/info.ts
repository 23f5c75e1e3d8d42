import type { ProviderInfo } from "../types.js";

export const PPS_HEADERS = [
  "X-Pps-Topic",
  "X-Pps-Sub-Topic",
  "X-Pps-Tenant-Id",
  "X-Pps-Webhook-Id",
  "X-Pps-Triggered-At",
] as const;
/** Clock skew allowed on exp, nbf and iat. */
export const PPS_CLOCK_TOLERANCE_S = 60;
/** How long a discovered JWKS is cached (the PPS guide refreshes hourly). */
export const PPS_JWKS_TTL_MS = 3_600_000;

export const ppsInfo: ProviderInfo = {
  id: "pps",
  name: "PointServices",
  scheme: "OIDC RS256 JWT in Authorization: Bearer, issuer must be trusted before keys are fetched",
  signatureHeader: "Authorization",
  deliveryHeaders: PPS_HEADERS,
  verifyEnv: ["PPS_TRUSTED_ISSUERS (ISSUER or ISSUER=AUDIENCE, comma-separated)", "PPS_JWKS_URL (optional)"],
  apiEnv: ["PPS_TEST_URL (the test-webhook endpoint your representative gives you)", "PPS_API_TOKEN"],
  urlEnv: ["PPS_JWKS_URL"],
  events: ["orders/placed", "orders/updated", "orders/cancelled", "orders/shipped"],
  dedupe: "X-Pps-Webhook-Id",
  retries: "5xx retried with exponential backoff (schedule unknown); 403 means rejected",
  rejectStatus: 403,
  unknowns: ["retry schedule", "topic list beyond orders/placed", "no public registration API"],
};
