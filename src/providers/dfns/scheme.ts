import { fromHex, hmacSha256 } from "../../core/bytes.js";
import type { HmacScheme } from "../hmac-check.js";
import { DFNS_SIGNATURE_HEADER } from "./info.js";

/** X-DFNS-WEBHOOK-SIGNATURE: `sha256=` + lower-case hex HMAC-SHA256 of the body with the webhook secret. */
export const scheme: HmacScheme = {
  header: DFNS_SIGNATURE_HEADER,
  format: '"sha256=<64 hex digits>"',
  sign: (body, secret) => `sha256=${hmacSha256(secret, body).toString("hex")}`,
  parse: (value) => {
    const hex = /^sha256=([0-9a-fA-F]{64})$/.exec(value)?.[1];
    return hex === undefined ? undefined : fromHex(hex, 32);
  },
  // Dfns' Node sample signs JSON.stringify(parsed) — Dfns "Set up webhooks" guide.
  compactFallback: true,
  secretHint: "set DFNS_WEBHOOK_SECRET or pass --secret",
};
