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
  /**
   * For the signature doctor, after `find` answered unknown_key: the key set fetched again now, to
   * re-verify the delivery with. At most one such fetch per cool-down (a flood of forgeries must not
   * make one each), only for an issuer `find` was already asked about (never one a token merely
   * names), and undefined when none can be had: a static file, a failed or held-back fetch.
   */
  refetched?(issuer?: string): Promise<RefetchedKeys | undefined>;
}

/** A key set just fetched from its URL (its fetch also refreshed the store verification uses). */
export interface RefetchedKeys {
  readonly keys: KeyStore;
  readonly url: string;
  readonly fetchedAt: Date;
}

/** More keys than any provider publishes (they keep the current one and the one before it). */
export const MAX_JWKS_KEYS = 100;

/**
 * Why a fetched document is not a JWKS worth keeping, or undefined when it is: an object with a
 * `keys` array of at most MAX_JWKS_KEYS objects. Checked before caching, so garbage never reaches disk.
 */
export function jwksProblem(doc: unknown): string | undefined {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return "is not a JSON object";
  const keys = (doc as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) return 'is not a JWKS (no "keys" array)';
  if (keys.length > MAX_JWKS_KEYS) return `has ${keys.length} keys, more than the ${MAX_JWKS_KEYS} allowed`;
  if (!keys.every((k) => typeof k === "object" && k !== null && !Array.isArray(k)))
    return "has a key that is not an object";
  return undefined;
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
