import * as jose from "jose";
import type { Reason } from "./verdict.js";

export type JwtParts =
  | {
      readonly ok: true;
      readonly header: jose.ProtectedHeaderParameters;
      readonly claims: jose.JWTPayload;
    }
  | { readonly ok: false; readonly detail: string };

/** Decodes header and claims WITHOUT verifying anything: only to pick the algorithm, key id and issuer. */
export function readUnverified(token: string): JwtParts {
  try {
    return { ok: true, header: jose.decodeProtectedHeader(token), claims: jose.decodeJwt(token) };
  } catch (error) {
    return { ok: false, detail: `not a compact JWT: ${(error as Error).message}` };
  }
}

/** Header parameters that name a key location; we never follow them (keys come only from configured sources). */
export const KEY_LOCATING_HEADERS = ["jku", "jwk", "x5u", "x5c"] as const;

export interface ClaimRules {
  readonly algorithms: readonly string[];
  readonly at: Date;
  readonly clockToleranceS: number;
  readonly issuer?: string;
  readonly audience?: readonly string[];
  /** jose's maxTokenAge: reject an `iat` older than this (after tolerance). */
  readonly maxTokenAgeS?: number;
  readonly requiredClaims?: readonly string[];
}

export type JwtResult =
  | { readonly ok: true; readonly claims: jose.JWTPayload }
  | {
      readonly ok: false;
      readonly reason: Reason;
      readonly step: "signature" | "claims";
      readonly detail: string;
    };

/** Imported keys per JWK object: importing costs more than verifying, and a key store hands out the same objects. */
const imported = new WeakMap<jose.JWK, Promise<jose.CryptoKey | Uint8Array>>();

function importOnce(key: jose.JWK, alg: string | undefined): Promise<jose.CryptoKey | Uint8Array> {
  let cryptoKey = imported.get(key);
  if (!cryptoKey) {
    cryptoKey = jose.importJWK(key, alg);
    imported.set(key, cryptoKey);
    cryptoKey.catch(() => imported.delete(key));
  }
  return cryptoKey;
}

/** Verifies signature and time/issuer/audience claims with jose, translating its error codes to Reasons. */
export async function verifyJwt(token: string, key: jose.JWK, rules: ClaimRules): Promise<JwtResult> {
  try {
    const cryptoKey = await importOnce(key, rules.algorithms[0]);
    const options: jose.JWTVerifyOptions = {
      algorithms: [...rules.algorithms],
      currentDate: rules.at,
      clockTolerance: rules.clockToleranceS,
    };
    if (rules.issuer !== undefined) options.issuer = rules.issuer;
    if (rules.audience !== undefined) options.audience = [...rules.audience];
    if (rules.maxTokenAgeS !== undefined) options.maxTokenAge = rules.maxTokenAgeS;
    if (rules.requiredClaims !== undefined) options.requiredClaims = [...rules.requiredClaims];
    const { payload } = await jose.jwtVerify(token, cryptoKey, options);
    return { ok: true, claims: payload };
  } catch (error) {
    return translateJoseError(error);
  }
}

function translateJoseError(error: unknown): JwtResult & { ok: false } {
  const code = (error as { code?: unknown }).code;
  const message = (error as Error).message ?? String(error);
  switch (code) {
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return {
        ok: false,
        reason: "signature_mismatch",
        step: "signature",
        detail: "signature does not verify with the key",
      };
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return { ok: false, reason: "alg_not_allowed", step: "signature", detail: message };
    case "ERR_JWT_EXPIRED":
      return { ok: false, reason: "token_expired", step: "claims", detail: message };
    case "ERR_JWT_CLAIM_VALIDATION_FAILED": {
      const { claim, reason: why } = error as jose.errors.JWTClaimValidationFailed;
      if (why !== "check_failed")
        return { ok: false, reason: "malformed_header", step: "claims", detail: message };
      const reason: Reason =
        claim === "nbf" || claim === "iat"
          ? "token_not_yet_valid"
          : claim === "iss"
            ? "issuer_not_trusted"
            : claim === "aud"
              ? "audience_mismatch"
              : "malformed_header";
      return { ok: false, reason, step: "claims", detail: message };
    }
    case "ERR_JWS_INVALID":
    case "ERR_JWT_INVALID":
    case "ERR_JOSE_NOT_SUPPORTED":
    case "ERR_JWK_INVALID":
      return { ok: false, reason: "malformed_header", step: "signature", detail: message };
    default:
      // A key that cannot be imported for this algorithm (wrong kty/crv) is a key problem, not a crash.
      if (error instanceof TypeError)
        return { ok: false, reason: "unknown_key", step: "signature", detail: `key unusable: ${message}` };
      throw error;
  }
}

/** Seconds between a NumericDate claim and the judging time, worded for a human. */
export function describeOffset(claimS: number, at: Date, what: string): string {
  const delta = Math.round(claimS - at.getTime() / 1000);
  if (delta === 0) return `${what} at receipt`;
  return delta < 0 ? `${what} ${-delta} s before receipt` : `${what} ${delta} s after receipt`;
}
