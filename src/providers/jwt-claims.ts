// Kept apart from resign.ts so the HMAC providers' outbound never loads jose.
import { decodeJwt, decodeProtectedHeader, type JWTPayload } from "jose";

/** The claims of a captured token, read without trusting them (only to sign the same ones again). */
export function claimsOf(token: string | undefined): JWTPayload {
  try {
    return token ? decodeJwt(token) : {};
  } catch {
    return {};
  }
}

/** The kid a token names, read without trusting anything else in it. */
export function kidOf(token: string | undefined): string | undefined {
  try {
    return token ? decodeProtectedHeader(token).kid : undefined;
  } catch {
    return undefined;
  }
}
