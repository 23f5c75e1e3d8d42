import type { ProviderInfo } from "../types.js";

export const DFNS_SIGNATURE_HEADER = "X-DFNS-WEBHOOK-SIGNATURE";
/** Dfns docs: reject when |now - timestampSent| >= 5 minutes. */
export const DFNS_WINDOW_S = 300;

const families = {
  wallet: ["created", "activated", "delegated", "exported", "tags.modified", "blockchainevent.detected"],
  "wallet.transfer": ["requested", "failed", "rejected", "broadcasted", "confirmed"],
  "wallet.transaction": ["requested", "failed", "rejected", "broadcasted", "confirmed"],
  "wallet.signature": ["requested", "failed", "rejected", "signed"],
  "wallet.offer": ["received", "accepted", "rejected"],
  key: ["created", "deleted", "delegated", "exported"],
  policy: ["triggered", "approval.pending", "approval.resolved"],
};

export const DFNS_EVENTS: readonly string[] = Object.entries(families).flatMap(([prefix, names]) =>
  names.map((name) => `${prefix}.${name}`),
);

export const dfnsInfo: ProviderInfo = {
  id: "dfns",
  name: "Dfns",
  scheme: `HMAC-SHA256 hex of the raw body as "sha256=<hex>", plus timestampSent within ${DFNS_WINDOW_S} s`,
  signatureHeader: DFNS_SIGNATURE_HEADER,
  deliveryHeaders: [],
  verifyEnv: ["DFNS_WEBHOOK_SECRET"],
  apiEnv: ["DFNS_AUTH_TOKEN", "DFNS_CRED_ID", "DFNS_PRIVATE_KEY"],
  urlEnv: ["DFNS_API_URL"],
  events: [...DFNS_EVENTS, "ping"],
  dedupe: "event id, following the retryOf chain (each retry is a new id)",
  retries: "anything but 200 fails; up to 5 attempts at 1 min, 12 min, 2 h and 1 day after the first",
  rejectStatus: 401,
  unknowns: ["ping payload shape (emulated as an ordinary event of kind ping)"],
};
