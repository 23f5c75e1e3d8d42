import type { ChalkInstance } from "chalk";
import type { DeliveryEvent, ForwardEvent } from "../listen/session.js";
import { formatDiagnosis } from "./diagnosis-text.js";

/** One delivery as `listen` shows it: the headline, then what matters about it, then (verbose or failed) its checks. */
export function formatDeliveryEvent(event: DeliveryEvent, c: ChalkInstance, verbose: boolean): string {
  const { delivery, verdict, status } = event;
  const time = delivery.receivedAt.toISOString().slice(11, 23);
  const mark = verdict.verified ? c.green("✓ verified") : c.red(`✗ ${verdict.reason ?? "not verified"}`);
  const statusText = status < 300 ? c.green(String(status)) : c.yellow(String(status));
  const lines = [
    `${c.dim(time)}  ${c.bold(verdict.provider ?? "?")}  ${verdict.event ?? "(no event)"}  ${mark}  → ${statusText}  ${c.dim(delivery.id)}`,
  ];
  const facts: string[] = [];
  const { deliveryAttempt, retryOf } = verdict.meta;
  if (typeof deliveryAttempt === "number" && deliveryAttempt > 1) facts.push(`attempt ${deliveryAttempt}`);
  if (typeof retryOf === "string") facts.push(`retry of ${retryOf}`);
  facts.push(event.duplicateOf === null ? "first seen" : c.yellow(`duplicate of ${event.duplicateOf}`));
  if (event.skewS !== null) facts.push(`skew ${event.skewS >= 0 ? "+" : ""}${event.skewS} s`);
  if (verdict.dedupeKey !== null) facts.push(`dedupe ${verdict.dedupeKey}`);
  lines.push(`    ${facts.join(" · ")}`);
  const headers = Object.entries(verdict.deliveryHeaders);
  if (headers.length > 0) lines.push(c.dim(`    ${headers.map(([k, v]) => `${k}: ${v}`).join("  ")}`));
  if (event.note) lines.push(c.yellow(`    ${event.note}`));
  const shown = verbose ? verdict.checks : verdict.checks.filter((check) => !check.ok);
  for (const check of shown)
    lines.push(`    ${check.ok ? c.green("✓") : c.red("✗")} ${check.name}: ${check.detail}`);
  lines.push(...formatDiagnosis(verdict.diagnosis, c, "      "));
  return `${lines.join("\n")}\n`;
}

export function formatForwardEvent(event: ForwardEvent, c: ChalkInstance): string {
  const result =
    event.status === null
      ? c.red(`no answer (${event.error})`)
      : event.status < 300
        ? c.green(String(event.status))
        : c.yellow(String(event.status));
  return `    ↪ forwarded to ${event.url}: ${result} in ${event.durationMs} ms\n`;
}
