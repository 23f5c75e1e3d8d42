import { hmacSha256 } from "../../core/bytes.js";

/** X-KopoKopo-Signature value: lower-case hex HMAC-SHA256 of the body, keyed with the API key. */
export function signKopoKopo(body: Uint8Array, apiKey: string): string {
  return hmacSha256(apiKey, body).toString("hex");
}
