import { fromBase64, hmacSha256 } from "../../core/bytes.js";
import type { HmacScheme } from "../hmac-check.js";

/** Authorization: `HMACSHA256 ` + standard base64 of HMAC-SHA256(secret, body). */
export const scheme: HmacScheme = {
  header: "Authorization",
  format: '"HMACSHA256 <base64 of 32 bytes>"',
  sign: (body, secret) => `HMACSHA256 ${hmacSha256(secret, body).toString("base64")}`,
  parse: (value) => {
    const b64 = /^HMACSHA256 +(\S+)$/i.exec(value)?.[1];
    return b64 === undefined ? undefined : fromBase64(b64, 32);
  },
  // Bracken signs JSON.stringify(body), not the raw bytes — Bracken webhook tutorial.
  compactFallback: true,
  secretHint: "set BRACKEN_WEBHOOK_SECRET or pass --secret",
};
