// JWT verification with node:crypto only, for the example handlers: one algorithm allowed, keys
// only from a configured JWKS, never from the token. Returns the claims or throws with a reason.
import { createPublicKey, verify } from "node:crypto";

const b64json = (part) => JSON.parse(Buffer.from(part, "base64url").toString("utf8"));

export function decode(token) {
  const [h, p, s] = String(token).split(".");
  if (!h || !p || s === undefined) throw new Error("not a JWT");
  return {
    header: b64json(h),
    claims: b64json(p),
    input: `${h}.${p}`,
    signature: Buffer.from(s, "base64url"),
  };
}

export function verifySignature(jwt, alg, jwks) {
  if (jwt.header.alg !== alg) throw new Error(`alg ${jwt.header.alg} not allowed`);
  const jwk = jwks.keys.find((k) => k.kid === jwt.header.kid);
  if (!jwk) throw new Error("unknown kid");
  const key = createPublicKey({ key: jwk, format: "jwk" });
  const ok =
    alg === "ES256"
      ? verify("sha256", Buffer.from(jwt.input), { key, dsaEncoding: "ieee-p1363" }, jwt.signature)
      : verify("sha256", Buffer.from(jwt.input), key, jwt.signature);
  if (!ok) throw new Error("bad signature");
  return jwt.claims;
}

/** A JWKS cached for `ttlMs`, refetched at once on an unknown kid, then at most every `missCooldownMs`. */
export function jwksCache(url, ttlMs, missCooldownMs = 30_000) {
  let cached;
  let fetchedAt = 0;
  let missRefetchedAt = 0;
  return async (kid) => {
    const stale = Date.now() - fetchedAt > ttlMs;
    // A kid the cache lacks is a key rotation: refetch at once, then at most every missCooldownMs
    // (so a flood of forged kids cannot make one fetch each).
    // A token naming no kid (alg none, say) is no rotation and spends no refetch.
    const missing =
      cached &&
      typeof kid === "string" &&
      !cached.keys.some((k) => k.kid === kid) &&
      Date.now() - missRefetchedAt > missCooldownMs;
    if (!cached || stale || missing) {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`JWKS ${url} answered ${response.status}`);
      cached = await response.json();
      fetchedAt = Date.now();
      if (missing) missRefetchedAt = fetchedAt;
    }
    return cached;
  };
}
