import type { ChalkInstance } from "chalk";
import type { Diagnosis } from "../core/diagnosis.js";

// Details quote delivery-derived text (header names, saved URLs): no control character reaches the
// terminal. A minimal local escape until the shared printable() escaper lands in core.
function shown(text: string): string {
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    const control = code < 0x20 || (code >= 0x7f && code < 0xa0) || (code >= 0x2028 && code <= 0x202e);
    const bidi = code >= 0x2066 && code <= 0x2069;
    out += control || bidi ? `\\u${code.toString(16).padStart(4, "0")}` : ch;
  }
  return out;
}

/** The doctor's findings as "why: … / fix: …" lines, indented under a verdict's checks. */
export function formatDiagnosis(diagnosis: readonly Diagnosis[], c: ChalkInstance, indent: string): string[] {
  return diagnosis.flatMap((d) => [
    `${indent}${c.yellow("why:")} ${shown(d.detail)} ${c.dim(`(${d.code})`)}`,
    `${indent}${c.cyan("fix:")} ${shown(d.fix)}`,
  ]);
}
