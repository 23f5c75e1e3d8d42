import { hmacSha256, preview, safeEqual, utf8 } from "./bytes.js";
import { scanJsonBody } from "./json-body.js";
import type { DuplicateKey } from "./json-scan.js";

/** Which bytes a signature was computed over. */
export type SignedForm = "raw" | "compact";

export type HmacMatch =
  | {
      readonly matched: true;
      readonly form: SignedForm;
      /** Index into the secrets list (0 = the first given; a later one means an older secret in a rotation). */
      readonly secretIndex: number;
    }
  | {
      readonly matched: false;
      /** Why a form that does match was refused: its bytes are not the ones received. */
      readonly refused?: string;
      /** Why no compact form could be tried (the body is not JSON…). */
      readonly noCompact?: string;
    };

/** JSON.stringify recurses; past this depth it is not attempted (it overflows near 3,000 levels). */
export const MAX_RESERIALISE_DEPTH = 512;

/**
 * Finds the secret (and body form) whose HMAC-SHA256 equals the presented digest.
 * Raw bytes are always tried first. With `allowCompact` (some providers' sample code signs
 * `JSON.stringify(parsedBody)`), the body minus insignificant whitespace is tried next and accepted
 * only when it has no duplicate keys: then every JSON parser reads the body as it reads the signed
 * bytes. A fuller re-serialisation (escapes, number forms, key order, duplicates collapsed) that
 * matches is refused with the reason, never accepted: those are bytes nobody signed.
 * Every comparison is constant-time; any byte sequence gets an answer, at any JSON depth.
 */
export function findHmacMatch(
  body: Uint8Array,
  presented: Uint8Array,
  secrets: readonly string[],
  allowCompact: boolean,
): HmacMatch {
  const raw = secretMatching(body, presented, secrets);
  if (raw !== undefined) return { matched: true, form: "raw", secretIndex: raw };
  if (!allowCompact) return { matched: false };
  const json = scanJsonBody(body);
  if (!json.ok) return { matched: false, noCompact: json.detail };
  const { stripped, duplicate, depth } = json.scan;
  const compact = utf8(stripped);
  if (compact.length !== body.length) {
    const index = secretMatching(compact, presented, secrets);
    if (index !== undefined)
      return duplicate
        ? { matched: false, refused: duplicateReason(duplicate, "the body with its whitespace removed") }
        : { matched: true, form: "compact", secretIndex: index };
  }
  if (depth > MAX_RESERIALISE_DEPTH) return { matched: false };
  const reserialised = utf8(JSON.stringify(json.value));
  if (safeEqual(reserialised, compact) || secretMatching(reserialised, presented, secrets) === undefined)
    return { matched: false };
  return {
    matched: false,
    refused: duplicate
      ? duplicateReason(duplicate, "JSON.stringify of the parsed body")
      : "JSON.stringify of the parsed body matches, but it differs from the body by more than whitespace (escapes, number forms or key order): a parser may read bytes that were never signed",
  };
}

function duplicateReason(duplicate: DuplicateKey, matching: string): string {
  return `${matching} matches, but the body has duplicate key ${JSON.stringify(preview(duplicate.key, 60))} at ${duplicate.path}: a re-serialisation would hide bytes that were never signed`;
}

/** The index of the first secret whose HMAC of `bytes` is `presented`. */
function secretMatching(
  bytes: Uint8Array,
  presented: Uint8Array,
  secrets: readonly string[],
): number | undefined {
  for (const [index, secret] of secrets.entries())
    if (safeEqual(hmacSha256(secret, bytes), presented)) return index;
  return undefined;
}

export function describeMatch(match: HmacMatch & { matched: true }, secretCount: number): string {
  const over =
    match.form === "raw"
      ? "raw body bytes"
      : "compact re-serialisation of the body (the raw bytes minus insignificant whitespace, not the raw bytes)";
  const which = secretCount > 1 ? `, secret ${match.secretIndex + 1} of ${secretCount}` : "";
  return `hmac-sha256 over ${over}${which}`;
}
