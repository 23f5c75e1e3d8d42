import { fromHex, hmacSha256 } from "../../core/bytes.js";
import type { HmacScheme } from "../hmac-check.js";
import { KOPOKOPO_SIGNATURE_HEADER } from "./info.js";

/** X-KopoKopo-Signature: lower-case hex HMAC-SHA256 of the body, keyed with the API key. */
export const scheme: HmacScheme = {
  header: KOPOKOPO_SIGNATURE_HEADER,
  format: "<64 hex digits>",
  sign: (body, apiKey) => hmacSha256(apiKey, body).toString("hex"),
  parse: (value) => fromHex(value, 32),
  // The official node SDK verifies over JSON.stringify(req.body) — k2-connect-node lib/webhooks.js.
  compactFallback: true,
  secretHint: "set KOPOKOPO_API_KEY (the API key, not the client secret) or pass --secret",
};
