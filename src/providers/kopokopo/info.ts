import type { ProviderInfo } from "../types.js";

export const KOPOKOPO_SIGNATURE_HEADER = "X-KopoKopo-Signature";

export const KOPOKOPO_TILL_EVENTS = [
  "buygoods_transaction_received",
  "buygoods_transaction_reversed",
  "b2b_transaction_received",
  "card_transaction_received",
  "card_transaction_voided",
  "card_transaction_reversed",
] as const;
export const KOPOKOPO_COMPANY_EVENTS = ["settlement_transfer_completed", "customer_created"] as const;

export const kopokopoInfo: ProviderInfo = {
  id: "kopokopo",
  name: "Kopo Kopo",
  scheme: "HMAC-SHA256 hex of the body keyed with the API key (not the client secret)",
  signatureHeader: KOPOKOPO_SIGNATURE_HEADER,
  deliveryHeaders: [],
  verifyEnv: ["KOPOKOPO_API_KEY"],
  apiEnv: ["KOPOKOPO_CLIENT_ID", "KOPOKOPO_CLIENT_SECRET", "KOPOKOPO_TILL_NUMBER"],
  urlEnv: ["KOPOKOPO_API_URL"],
  events: [...KOPOKOPO_TILL_EVENTS, ...KOPOKOPO_COMPANY_EVENTS],
  dedupe: "_links.self (incoming-payment results: data.attributes._links.self; Daraja bodies: TransID)",
  retries: "unknown (duplicates and reordering are possible)",
  rejectStatus: 401,
  unknowns: [
    "retry policy",
    "production base URL",
    "no test-trigger endpoint (the emulator simulates payments)",
    "error body shape (SDKs read {error_code, error_message})",
  ],
};
