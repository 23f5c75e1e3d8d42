import type { ChalkInstance } from "chalk";
import type { Diagnosis } from "../core/diagnosis.js";
import { printable } from "../core/printable.js";

/**
 * The doctor's findings as "why: … / fix: …" lines, indented under a verdict's checks. Details quote
 * delivery-derived text (header names, saved URLs): escaped.
 */
export function formatDiagnosis(diagnosis: readonly Diagnosis[], c: ChalkInstance, indent: string): string[] {
  return diagnosis.flatMap((d) => [
    `${indent}${c.yellow("why:")} ${printable(d.detail)} ${c.dim(`(${d.code})`)}`,
    `${indent}${c.cyan("fix:")} ${printable(d.fix)}`,
  ]);
}
