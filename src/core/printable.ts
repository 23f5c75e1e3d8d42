/**
 * Neutralising strings that came from a delivery before a terminal sees them. A body field such as
 * `kind: "x\u001b[32m✓ verified\n\u001b[8m"` must not paint a fake verdict or hide the real one,
 * and bidi overrides must not reorder what a person reads. Pure: no I/O.
 */

const SHORT: Readonly<Record<number, string>> = { 9: "\\t", 10: "\\n", 13: "\\r" };

/**
 * Code units a terminal (or a person reading one) can be fooled by: C0 controls (ESC, CR, LF, TAB…),
 * DEL and C1 controls (0x9b is an 8-bit CSI), soft hyphen, Arabic letter mark, Mongolian vowel
 * separator, zero-width characters and LRM/RLM, line/paragraph separators, bidi embeddings,
 * overrides and isolates, word joiner and invisible operators, BOM, interlinear annotations, and
 * surrogates (only lone ones reach this test: a pair is checked as one code point).
 */
function isUnsafe(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0xad ||
    code === 0x61c ||
    code === 0x180e ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x2069) ||
    code === 0xfeff ||
    (code >= 0xfff9 && code <= 0xfffb) ||
    (code >= 0xd800 && code <= 0xdfff)
  );
}

const hex = (code: number) => `\\u${code.toString(16).padStart(4, "0")}`;

/**
 * Every code unit isUnsafe accepts, plus all surrogates (a well-formed pair is then let through by
 * the loop): text without any is returned as it is after one native scan instead of a loop in JS.
 */
const MAYBE_UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff]/;

function escapeWith(s: string, escapeOf: (code: number) => string): string {
  if (!MAYBE_UNSAFE.test(s)) return s;
  let out = "";
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++; // a well-formed pair (emoji, CJK extension…) is printable
        continue;
      }
    } else if (!isUnsafe(code)) continue;
    out += s.slice(from, i) + escapeOf(code);
    from = i + 1;
  }
  return from === 0 ? s : out + s.slice(from);
}

/** `s` with every unsafe character shown as a visible escape (`\u001b`, `\n`, `\u202e`); safe text unchanged. */
export function printable(s: string): string {
  return escapeWith(s, (code) => SHORT[code] ?? hex(code));
}

/**
 * JSON text (from JSON.stringify) with the characters JSON leaves raw but a terminal honours
 * (DEL, C1, bidi, U+2028/2029, zero-width…) written as `\uXXXX` escapes. Those characters can only
 * occur inside JSON strings, so the result parses to the same value: `cat captures.jsonl` and
 * `whtool verify --json` are as safe to look at as human output.
 */
export function jsonPrintable(json: string): string {
  return escapeWith(json, hex);
}
