import { scheme } from "./scheme.js";

/**
 * Authorization value Bracken sends (the scheme verification parses).
 * Bracken signs JSON.stringify(body); pass those bytes (compact JSON) as `body`.
 */
export function signBracken(body: Uint8Array, secret: string): string {
  return scheme.sign(body, secret);
}
