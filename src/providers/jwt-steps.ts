import type { JWTPayload, ProtectedHeaderParameters } from "jose";
import { preview } from "../core/bytes.js";
import { KEY_LOCATING_HEADERS, readUnverified } from "../core/jwt.js";
import type { KeyLookup, KeyStore } from "../core/keys.js";
import type { Verdict, VerdictBuilder } from "../core/verdict.js";

export type Step<T> = { readonly verdict: Verdict } | { readonly verdict?: undefined; readonly value: T };

export interface UnverifiedJwt {
  readonly token: string;
  readonly header: ProtectedHeaderParameters;
  readonly claims: JWTPayload;
}

/**
 * Shared first steps of the JWT providers: the token parses, and its `alg` is the one the provider
 * signs with. A token naming any other algorithm (`none`, HS256 with the public key as the secret…)
 * stops here, before any key is looked up.
 */
export function readToken(
  v: VerdictBuilder,
  token: string,
  stepName: string,
  allowedAlg: string,
): Step<UnverifiedJwt> {
  const parts = readUnverified(token);
  if (!parts.ok) return { verdict: v.fail(stepName, "malformed_header", parts.detail) };
  const kid = typeof parts.header.kid === "string" ? parts.header.kid : undefined;
  v.meta.kid = kid ?? null;
  v.pass(stepName, `JWT, kid ${kid ?? "(none)"}`);

  const alg = String(parts.header.alg);
  if (alg !== allowedAlg)
    return {
      verdict: v.fail(
        "algorithm",
        "alg_not_allowed",
        `alg "${preview(alg, 20)}" is not allowed; only ${allowedAlg}`,
      ),
    };
  const locating = KEY_LOCATING_HEADERS.filter((name) => name in parts.header);
  const note =
    locating.length > 0
      ? ` (ignored header ${locating.join(", ")}: keys come only from configured sources)`
      : "";
  v.pass("algorithm", `${allowedAlg}${note}`);
  return { value: { token, header: parts.header, claims: parts.claims } };
}

/** Looks the token's kid up in the configured key store. */
export async function findKey(
  v: VerdictBuilder,
  keys: KeyStore | undefined,
  jwt: UnverifiedJwt,
  issuer?: string,
): Promise<Step<KeyLookup & { ok: true }>> {
  if (!keys) return { verdict: v.fail("key", "jwks_unavailable", "no JWKS source configured") };
  const kid = typeof jwt.header.kid === "string" ? jwt.header.kid : undefined;
  const lookup = await keys.find(kid, issuer);
  if (!lookup.ok) return { verdict: v.fail("key", lookup.reason, lookup.detail) };
  v.pass("key", `kid ${kid ?? "(none)"} from ${lookup.source}`);
  return { value: lookup };
}
