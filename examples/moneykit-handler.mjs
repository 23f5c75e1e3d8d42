// MoneyKit webhook handler: MoneyKit-Signature is an ES256 JWT; the key comes from MoneyKit's JWKS
// by kid (cached ≤ 24 h); iat may be at most 5 min ahead; request_body_sha256 must equal the sha256
// of the raw body (constant time); dedupe on webhook_idempotency_key.
// Run: MONEYKIT_API_URL=https://api.moneykit.com PORT=3000 node examples/moneykit-handler.mjs
import { createHash, timingSafeEqual } from "node:crypto";
import { decode, jwksCache, verifySignature } from "./_jwt.mjs";
import { dedupe, serve } from "./_server.mjs";

const base = (process.env.MONEYKIT_API_URL ?? "https://api.moneykit.com").replace(/\/+$/, "");
const jwks = jwksCache(`${base}/.well-known/jwks.json`, 24 * 3600_000);
const firstTime = dedupe();

serve("moneykit", async (req, body) => {
  let claims;
  try {
    const jwt = decode(req.headers["moneykit-signature"]);
    claims = verifySignature(jwt, "ES256", await jwks(jwt.header.kid));
  } catch (error) {
    return { status: 401, text: `signature: ${error.message}` };
  }
  const now = Date.now() / 1000;
  if (typeof claims.iat !== "number" || claims.iat > now + 300 || claims.iat < now - 7200)
    return { status: 401, text: "iat out of range" };
  if (typeof claims.exp === "number" && claims.exp < now - 300) return { status: 401, text: "expired" };
  const actual = createHash("sha256").update(body).digest();
  const claimed = Buffer.from(String(claims.request_body_sha256 ?? ""), "hex");
  if (claimed.length !== actual.length || !timingSafeEqual(claimed, actual))
    return { status: 401, text: "body hash mismatch" };
  let event;
  try {
    event = JSON.parse(body.toString("utf8"));
  } catch {
    return { status: 400, text: "not JSON" };
  }
  if (firstTime(event.webhook_idempotency_key)) {
    // fetch the link's latest state from the API (payloads can arrive late or out of order)
  }
  return { status: 200, text: "ok" };
});
