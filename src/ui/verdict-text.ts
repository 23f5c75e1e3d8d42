import type { ChalkInstance } from "chalk";
import { printable as p } from "../core/printable.js";
import type { Verdict } from "../core/verdict.js";
import { formatDiagnosis } from "./diagnosis-text.js";
import { headersText } from "./headers-text.js";

export interface DeliveryLabel {
  readonly id: string;
  readonly receivedAt: Date;
  readonly duplicateOf: string | null;
}

/**
 * The human story of one verdict: a title line, one line per check, then the outcome. Every string
 * from the delivery (or the capture file) goes through printable(), so none can forge a line.
 */
export function formatVerdict(verdict: Verdict, label: DeliveryLabel, c: ChalkInstance): string {
  const lines: string[] = [];
  const provider = p(verdict.provider ?? "unknown provider");
  const event = p(verdict.event ?? "(no event)");
  lines.push(
    `${c.bold(provider)}  ${event}  ${c.dim(`id ${p(label.id)}, received ${label.receivedAt.toISOString()}`)}`,
  );
  const headers = headersText(verdict.deliveryHeaders);
  if (headers !== "") lines.push(c.dim(`  ${headers}`));
  const names = verdict.checks.map((check) => p(check.name));
  const width = Math.max(...names.map((name) => name.length), 0);
  verdict.checks.forEach((check, i) => {
    const mark = check.ok ? c.green("✓") : c.red("✗");
    lines.push(`  ${mark} ${(names[i] ?? "").padEnd(width)}  ${p(check.detail)}`);
  });
  lines.push(...formatDiagnosis(verdict.diagnosis, c, "    "));
  const facts: string[] = [];
  if (verdict.dedupeKey !== null) facts.push(`dedupe ${p(verdict.dedupeKey)}`);
  if (label.duplicateOf !== null) facts.push(c.yellow(`duplicate of ${p(label.duplicateOf)}`));
  if (facts.length > 0) lines.push(c.dim(`  ${facts.join("; ")}`));
  lines.push(
    verdict.verified
      ? `  ${c.green.bold("VERIFIED")}`
      : `  ${c.red.bold("NOT VERIFIED")}: ${c.red(p(verdict.reason ?? ""))}`,
  );
  return `${lines.join("\n")}\n`;
}
