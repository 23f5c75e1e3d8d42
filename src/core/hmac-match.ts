import { hmacSha256, safeEqual } from "./bytes.js";
import { compactReserialisation } from "./json-body.js";

/** Which bytes a signature was computed over. */
export type SignedForm = "raw" | "compact";

export interface HmacMatch {
  readonly form: SignedForm;
  /** Index into the secrets list (0 = the first given; a later one means an older secret in a rotation). */
  readonly secretIndex: number;
}

/**
 * Finds the secret (and body form) whose HMAC-SHA256 equals the presented digest.
 * Raw bytes are always tried first; the compact re-serialisation only when `allowCompact`,
 * because some providers' own sample code signs `JSON.stringify(parsedBody)`.
 * Every comparison is constant-time.
 */
export function findHmacMatch(
  body: Uint8Array,
  presented: Uint8Array,
  secrets: readonly string[],
  allowCompact: boolean,
): HmacMatch | undefined {
  const forms: [SignedForm, Uint8Array | undefined][] = [["raw", body]];
  if (allowCompact) forms.push(["compact", compactReserialisation(body)]);
  for (const [form, bytes] of forms) {
    if (!bytes) continue;
    for (const [secretIndex, secret] of secrets.entries()) {
      if (safeEqual(hmacSha256(secret, bytes), presented)) return { form, secretIndex };
    }
  }
  return undefined;
}

export function describeMatch(match: HmacMatch, secretCount: number): string {
  const over =
    match.form === "raw" ? "raw body bytes" : "compact re-serialisation of the body (not the raw bytes)";
  const which = secretCount > 1 ? `, secret ${match.secretIndex + 1} of ${secretCount}` : "";
  return `hmac-sha256 over ${over}${which}`;
}
