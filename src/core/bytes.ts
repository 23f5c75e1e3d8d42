import { createHash, createHmac, timingSafeEqual } from "node:crypto";

const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function hmacSha256(key: string | Uint8Array, message: Uint8Array | string): Buffer {
  return createHmac("sha256", key).update(message).digest();
}

export function sha256(bytes: Uint8Array | string): Buffer {
  return createHash("sha256").update(bytes).digest();
}

/**
 * Constant-time equality of the contents. Lengths are not secret (a digest's length is public, and
 * timingSafeEqual needs equal ones), so a length difference answers false at once; equal lengths are
 * compared in constant time.
 */
export function safeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Constant-time equality that hides the length too, for a presented credential against the real one
 * (a client secret, a token): both sides are hashed, so timingSafeEqual compares equal-length digests.
 */
export function safeEqualHidingLength(a: Uint8Array, b: Uint8Array): boolean {
  return timingSafeEqual(sha256(a), sha256(b)) && a.length === b.length;
}

/** Strict lower- or upper-case hex to bytes; undefined when not hex of the expected byte length. */
export function fromHex(text: string, byteLength: number): Buffer | undefined {
  if (text.length !== byteLength * 2 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  return Buffer.from(text, "hex");
}

/** Strict standard base64 (padding required) to bytes of the expected length. */
export function fromBase64(text: string, byteLength: number): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, "base64");
  return bytes.length === byteLength ? bytes : undefined;
}

/** Short, printable summary of a value that may be long or hostile (for check details). */
export function preview(text: string, max = 40): string {
  const printable = text.replace(/[^\x20-\x7e]/g, "?");
  return printable.length > max ? `${printable.slice(0, max)}… (${text.length} chars)` : printable;
}
