import { scheme } from "./scheme.js";

/** X-DFNS-WEBHOOK-SIGNATURE value for `body` (the scheme verification parses). */
export function signDfns(body: Uint8Array, secret: string): string {
  return scheme.sign(body, secret);
}
