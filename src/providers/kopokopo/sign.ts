import { scheme } from "./scheme.js";

/** X-KopoKopo-Signature value for `body`, keyed with the API key (the scheme verification parses). */
export function signKopoKopo(body: Uint8Array, apiKey: string): string {
  return scheme.sign(body, apiKey);
}
