import type { ChalkInstance } from "chalk";
import type { Verdict } from "../core/verdict.js";
import { formatDiagnosis } from "./diagnosis-text.js";

export interface DeliveryLabel {
  readonly id: string;
  readonly receivedAt: Date;
  readonly duplicateOf: string | null;
}

/** The human story of one verdict: a title line, one line per check, then the outcome. */
export function formatVerdict(verdict: Verdict, label: DeliveryLabel, c: ChalkInstance): string {
  const lines: string[] = [];
  const provider = verdict.provider ?? "unknown provider";
  const event = verdict.event ?? "(no event)";
  lines.push(
    `${c.bold(provider)}  ${event}  ${c.dim(`id ${label.id}, received ${label.receivedAt.toISOString()}`)}`,
  );
  const headers = Object.entries(verdict.deliveryHeaders);
  if (headers.length > 0) lines.push(c.dim(`  ${headers.map(([k, v]) => `${k}: ${v}`).join("  ")}`));
  const width = Math.max(...verdict.checks.map((check) => check.name.length), 0);
  for (const check of verdict.checks) {
    const mark = check.ok ? c.green("✓") : c.red("✗");
    lines.push(`  ${mark} ${check.name.padEnd(width)}  ${check.detail}`);
  }
  lines.push(...formatDiagnosis(verdict.diagnosis, c, "    "));
  const facts: string[] = [];
  if (verdict.dedupeKey !== null) facts.push(`dedupe ${verdict.dedupeKey}`);
  if (label.duplicateOf !== null) facts.push(c.yellow(`duplicate of ${label.duplicateOf}`));
  if (facts.length > 0) lines.push(c.dim(`  ${facts.join("; ")}`));
  lines.push(
    verdict.verified
      ? `  ${c.green.bold("VERIFIED")}`
      : `  ${c.red.bold("NOT VERIFIED")}: ${c.red(verdict.reason ?? "")}`,
  );
  return `${lines.join("\n")}\n`;
}
