import type { ProviderInfo } from "../types.js";

export const BRACKEN_EVENTS = [
  "User_Create",
  "User_Delete",
  "Module_Start",
  "Module_Complete",
  "Module_Expiring",
  "Module_Expired",
  "Course_Complete",
  "Course_Expiring",
  "Course_Expired",
] as const;

export const brackenInfo: ProviderInfo = {
  id: "bracken",
  name: "Bracken",
  scheme:
    'HMAC-SHA256 base64 in "Authorization: HMACSHA256 <sig>" (raw body first, then JSON.stringify of it)',
  signatureHeader: "Authorization",
  deliveryHeaders: [],
  verifyEnv: ["BRACKEN_WEBHOOK_SECRET"],
  apiEnv: ["BRACKEN_CLIENT_ID", "BRACKEN_CLIENT_SECRET", "BRACKEN_DOMAIN_KEY"],
  urlEnv: ["BRACKEN_API_URL", "BRACKEN_IDENTITY_URL"],
  events: BRACKEN_EVENTS,
  dedupe: "sha256 of the raw body (no event id is documented)",
  retries: "unknown",
  // The Bracken tutorial's verifier answers 403 on a mismatch.
  rejectStatus: 403,
  unknowns: ["payload schema", "retry policy", "delete-user endpoint (configurable)"],
};
