// PointServices webhook handler: "Authorization: Bearer <JWT>" (RS256, OIDC). The issuer must be in
// PPS_TRUSTED_ISSUERS ("ISSUER=AUDIENCE,…") BEFORE any key is fetched; keys by discovery, cached 1 h;
// exp/nbf/iat and aud checked; 403 on failure (as the PPS guide asks); dedupe on X-Pps-Webhook-Id.
// Run: PPS_TRUSTED_ISSUERS=https://securetoken.google.com/my-project=my-project node examples/pps-handler.mjs

import { decode, jwksCache, verifySignature } from "./_jwt.mjs";
import { dedupe, serve } from "./_server.mjs";

const trusted = new Map();
for (const entry of (process.env.PPS_TRUSTED_ISSUERS ?? "").split(",").filter(Boolean)) {
  const [issuer, audience] = entry.trim().split("=");
  trusted.set(issuer, audience ?? null);
}
if (trusted.size === 0) throw new Error("set PPS_TRUSTED_ISSUERS");
const caches = new Map();
const firstTime = dedupe();

async function keysFor(issuer, kid) {
  if (!caches.has(issuer)) {
    const config = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
    caches.set(issuer, jwksCache(config.jwks_uri, 3600_000));
  }
  return caches.get(issuer)(kid);
}

serve("pps", async (req) => {
  try {
    const token = /^Bearer\s+(\S+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
    const jwt = decode(token);
    if (jwt.header.alg !== "RS256") throw new Error("alg not allowed");
    const issuer = jwt.claims.iss;
    if (!trusted.has(issuer)) throw new Error("issuer not trusted"); // nothing fetched for it
    const claims = verifySignature(jwt, "RS256", await keysFor(issuer, jwt.header.kid));
    const now = Date.now() / 1000;
    if (!(claims.exp > now - 60) || (claims.nbf ?? 0) > now + 60 || claims.iat > now + 60)
      throw new Error("token time");
    const audience = trusted.get(issuer);
    if (audience && claims.aud !== audience && !(Array.isArray(claims.aud) && claims.aud.includes(audience)))
      throw new Error("wrong audience");
  } catch (error) {
    return { status: 403, text: error.message };
  }
  if (firstTime(String(req.headers["x-pps-webhook-id"]))) {
    // process by req.headers["x-pps-topic"]
  }
  return { status: 200, text: "ok" };
});
