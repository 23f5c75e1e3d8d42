import { preview } from "../core/bytes.js";
import { type Delivery, headerValue } from "../core/delivery.js";
import { describeMatch, findHmacMatch } from "../core/hmac-match.js";
import type { Verdict, VerdictBuilder } from "../core/verdict.js";

/**
 * How one HMAC provider carries its signature: the one object both its signing twin and its
 * verifier use, so the header value written and the header value read cannot drift apart.
 */
export interface HmacScheme {
  readonly header: string;
  /** Human description of the expected header value. */
  readonly format: string;
  /** The header value for `body` signed with `secret`. */
  sign(body: Uint8Array, secret: string): string;
  /** The digest bytes, or undefined when the value is malformed. */
  parse(value: string): Uint8Array | undefined;
  /** Whether the provider's own sample code signs JSON.stringify(parsed body). */
  readonly compactFallback: boolean;
  /** What to do when no secret is configured. */
  readonly secretHint: string;
}

/**
 * The two steps every HMAC provider shares: `signature-header` and `signature`.
 * Returns the failed verdict, or undefined when both passed (the builder then holds them).
 */
export function checkHmac(
  v: VerdictBuilder,
  delivery: Delivery,
  secrets: readonly string[],
  scheme: HmacScheme,
): Verdict | undefined {
  const value = headerValue(delivery.headers, scheme.header);
  if (value === undefined) return v.fail("signature-header", "missing_header", `no ${scheme.header} header`);
  const presented = scheme.parse(value.trim());
  if (!presented)
    return v.fail(
      "signature-header",
      "malformed_header",
      `expected ${scheme.format}, got "${preview(value)}"`,
    );
  v.pass("signature-header", scheme.format);

  if (secrets.length === 0) return v.fail("signature", "no_secret", `no secret: ${scheme.secretHint}`);
  const match = findHmacMatch(delivery.body, presented, secrets, scheme.compactFallback);
  if (!match.matched) {
    const given = `matches none of the ${secrets.length} secret(s) given`;
    // A refused re-serialisation is the finding; otherwise say which forms were tried.
    const detail = match.refused
      ? `hmac-sha256 of the raw body ${given}; ${match.refused}`
      : !scheme.compactFallback
        ? `hmac-sha256 of the raw body ${given}`
        : match.noCompact
          ? `hmac-sha256 of the raw body ${given}; no compact form to try: ${match.noCompact}`
          : `hmac-sha256 of the raw body (nor its compact re-serialisation) ${given}`;
    return v.fail("signature", "signature_mismatch", detail);
  }
  v.meta.signedForm = match.form;
  v.pass("signature", describeMatch(match, secrets.length));
  return undefined;
}
