import { hmacSha256 } from "../../core/bytes.js";

/**
 * Authorization value Bracken sends: `HMACSHA256 ` + standard base64 of HMAC-SHA256(secret, body).
 * Bracken signs JSON.stringify(body); pass those bytes (compact JSON) as `body`.
 */
export function signBracken(body: Uint8Array, secret: string): string {
  return `HMACSHA256 ${hmacSha256(secret, body).toString("base64")}`;
}
