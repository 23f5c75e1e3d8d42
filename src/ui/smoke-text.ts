import type { ChalkInstance } from "chalk";
import type { Diagnosis } from "../core/diagnosis.js";
import { printable as p } from "../core/printable.js";
import { formatDiagnosis } from "./diagnosis-text.js";

interface Received {
  readonly verified: boolean;
  readonly event: string | null;
  readonly id: string;
  readonly status: number;
  readonly reason: string | null;
  readonly diagnosis?: readonly Diagnosis[];
}

/** One delivery smoke received: `✓ event id → 200`, the event and reason neutralised, then why it failed. */
export function formatReceived(r: Received, c: ChalkInstance): string {
  const why = formatDiagnosis(r.diagnosis ?? [], c, "      ").map((line) => `${line}\n`);
  return `  ${r.verified ? c.green("✓") : c.red("✗")} ${p(r.event ?? "(no event)")} ${c.dim(p(r.id))} → ${r.status}${r.reason ? ` ${c.red(p(r.reason))}` : ""}\n${why.join("")}`;
}

/** The verdict line; a failure's reason may quote what a delivery sent. */
export function formatSmokeOutcome(
  report: { passed: boolean; verified: number; reason: string | null; timings: { totalMs: number } },
  provider: string,
  c: ChalkInstance,
): string {
  return report.passed
    ? `${c.green.bold("smoke passed")}: ${report.verified} verified ${provider} ${report.verified === 1 ? "delivery" : "deliveries"} in ${report.timings.totalMs} ms\n`
    : `${c.red.bold("smoke failed")}: ${p(report.reason ?? "")}\n`;
}

/** The spinner while smoke waits: `waiting for 1 verified Dfns delivery — 0 of 1 so far, 52 s left`. */
export function waitingText(step: string, verified: number, expected: number, msLeft: number): string {
  return `${step} — ${Math.min(verified, expected)} of ${expected} so far, ${Math.max(0, Math.ceil(msLeft / 1000))} s left`;
}
