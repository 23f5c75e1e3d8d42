import type { DiagnosisCode } from "../../core/diagnosis.js";

/** A key the sender may have used instead of the configured secret, and how it differs. */
export interface SecretVariant {
  readonly key: string | Uint8Array;
  readonly code: Extract<DiagnosisCode, "secret_whitespace" | "secret_encoding">;
  /** How the configured secret was changed, e.g. "trimmed of a trailing newline". */
  readonly change: string;
  readonly fix: string;
}

/** Names the whitespace a secret carries, for a message that never shows the secret itself. */
function describeEdges(secret: string): string {
  const edges = [/^\s+/.exec(secret)?.[0] ?? "", /\s+$/.exec(secret)?.[0] ?? ""].join("");
  if (/\n/.test(edges)) return edges.includes("\r") ? "a CRLF line ending" : "a newline";
  return edges.includes("\t") ? "a tab" : "spaces";
}

/**
 * The configured secret as the sender more likely holds it: trimmed (`echo secret > file` adds a
 * newline), unquoted (an unterminated quote in .env is kept literally), decoded or encoded.
 */
export function secretVariants(secret: string): SecretVariant[] {
  const variants: SecretVariant[] = [];
  const trimmed = secret.trim();
  if (trimmed !== secret && trimmed !== "")
    variants.push({
      key: trimmed,
      code: "secret_whitespace",
      change: `with ${describeEdges(secret)} trimmed off`,
      fix: "remove the whitespace around the secret (write the file with printf '%s', not echo; no trailing spaces in .env)",
    });
  const unquoted = trimmed
    .replace(/^["'`]/, "")
    .replace(/["'`]$/, "")
    .trim();
  if (unquoted !== trimmed && unquoted !== "")
    variants.push({
      key: unquoted,
      code: "secret_whitespace",
      change: "without the quote characters around it",
      fix: "close or remove the quotes around the secret (an unterminated quote in .env is read literally)",
    });
  const base = unquoted === "" ? secret : unquoted;
  if (/^(?:[0-9a-fA-F]{2}){8,}$/.test(base))
    variants.push({
      key: Buffer.from(base, "hex"),
      code: "secret_encoding",
      change: "hex-decoded to bytes",
      fix: "the sender uses the hex-decoded bytes as the key: decode the secret before signing or verifying",
    });
  if (base.length >= 16 && base.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(base))
    variants.push({
      key: Buffer.from(base, "base64"),
      code: "secret_encoding",
      change: "base64-decoded to bytes",
      fix: "the sender uses the base64-decoded bytes as the key: decode the secret before signing or verifying",
    });
  variants.push(
    {
      key: Buffer.from(base, "utf8").toString("hex"),
      code: "secret_encoding",
      change: "hex-encoded",
      fix: "the sender keys the HMAC with the hex encoding of the secret: configure that text, or fix the sender",
    },
    {
      key: Buffer.from(base, "utf8").toString("base64"),
      code: "secret_encoding",
      change: "base64-encoded",
      fix: "the sender keys the HMAC with the base64 encoding of the secret: configure that text, or fix the sender",
    },
  );
  return variants;
}
