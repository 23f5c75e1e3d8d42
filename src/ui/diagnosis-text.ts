import type { ChalkInstance } from "chalk";
import type { Diagnosis } from "../core/diagnosis.js";
import { printable as shown } from "../core/printable.js";

// Details quote delivery-derived text (header names, saved URLs): no control character reaches the terminal.
/** The doctor's findings as "why: … / fix: …" lines, indented under a verdict's checks. */
export function formatDiagnosis(diagnosis: readonly Diagnosis[], c: ChalkInstance, indent: string): string[] {
  return diagnosis.flatMap((d) => [
    `${indent}${c.yellow("why:")} ${shown(d.detail)} ${c.dim(`(${d.code})`)}`,
    `${indent}${c.cyan("fix:")} ${shown(d.fix)}`,
  ]);
}
