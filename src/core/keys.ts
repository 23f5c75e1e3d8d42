import type { JWK } from "jose";

export type KeyLookup =
  | { readonly ok: true; readonly jwk: JWK; readonly source: string }
  | { readonly ok: false; readonly reason: "unknown_key" | "jwks_unavailable"; readonly detail: string };

/**
 * Where JWT verifiers get public keys. Implementations do the I/O (files, HTTP, caches);
 * verifiers stay pure and only ask by key id. `issuer` is passed for OIDC providers and is
 * only ever an issuer the verifier has already checked against the trusted list.
 */
export interface KeyStore {
  find(kid: string | undefined, issuer?: string): Promise<KeyLookup>;
}

/** Picks a key out of a JWKS document by kid (or the only key, when the token names none). */
export function pickKey(jwks: unknown, kid: string | undefined, source: string): KeyLookup {
  const keys = (jwks as { keys?: unknown }).keys;
  if (!Array.isArray(keys))
    return { ok: false, reason: "jwks_unavailable", detail: `${source} is not a JWKS (no "keys" array)` };
  const candidates = keys.filter((k): k is JWK => typeof k === "object" && k !== null);
  const found =
    kid === undefined
      ? candidates.length === 1
        ? candidates[0]
        : undefined
      : candidates.find((k) => k.kid === kid);
  if (found) return { ok: true, jwk: found, source };
  const known = candidates.map((k) => k.kid ?? "(no kid)").join(", ") || "none";
  return {
    ok: false,
    reason: "unknown_key",
    detail:
      kid === undefined
        ? `token names no kid and ${source} has ${candidates.length} keys`
        : `kid ${kid} not in ${source} (has: ${known})`,
  };
}
