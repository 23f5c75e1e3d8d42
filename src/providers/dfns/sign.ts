import { hmacSha256 } from "../../core/bytes.js";

/** X-DFNS-WEBHOOK-SIGNATURE value: `sha256=` + lower-case hex HMAC-SHA256 of the body with the webhook secret. */
export function signDfns(body: Uint8Array, secret: string): string {
  return `sha256=${hmacSha256(secret, body).toString("hex")}`;
}
