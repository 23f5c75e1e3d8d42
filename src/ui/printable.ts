/**
 * Text from a delivery (or a forward target's answer) with every control, C1 and bidi-override
 * character escaped as \uXXXX, so nothing a sender wrote can move the cursor or recolour a terminal.
 */
export function printable(text: string): string {
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    const control = code < 0x20 || (code >= 0x7f && code < 0xa0) || (code >= 0x2028 && code <= 0x202e);
    const bidi = code >= 0x2066 && code <= 0x2069;
    out += control || bidi ? `\\u${code.toString(16).padStart(4, "0")}` : ch;
  }
  return out;
}
