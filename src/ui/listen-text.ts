import type { ChalkInstance } from "chalk";
import { printable as p } from "../core/printable.js";
import type { DeliveryEvent, ErrorEvent, ForwardEvent } from "../listen/session.js";
import { formatDiagnosis } from "./diagnosis-text.js";
import { headersText } from "./headers-text.js";

/**
 * One delivery as `listen` shows it: the headline, then what matters about it, then (verbose or
 * failed) its checks. Every string from the delivery goes through printable(): a body field must
 * not be able to draw a fake "✓ verified" or hide the real failure.
 */
export function formatDeliveryEvent(event: DeliveryEvent, c: ChalkInstance, verbose: boolean): string {
  const { delivery, verdict, status } = event;
  const time = delivery.receivedAt.toISOString().slice(11, 23);
  const mark = verdict.verified ? c.green("✓ verified") : c.red(`✗ ${p(verdict.reason ?? "not verified")}`);
  const statusText = status < 300 ? c.green(String(status)) : c.yellow(String(status));
  const lines = [
    `${c.dim(time)}  ${c.bold(p(verdict.provider ?? "?"))}  ${p(verdict.event ?? "(no event)")}  ${mark}  → ${statusText}  ${c.dim(p(delivery.id))}`,
  ];
  const facts: string[] = [];
  const { deliveryAttempt, retryOf } = verdict.meta;
  if (typeof deliveryAttempt === "number" && deliveryAttempt > 1) facts.push(`attempt ${deliveryAttempt}`);
  if (typeof retryOf === "string") facts.push(`retry of ${p(retryOf)}`);
  facts.push(event.duplicateOf === null ? "first seen" : c.yellow(`duplicate of ${p(event.duplicateOf)}`));
  if (event.skewS !== null) facts.push(`skew ${event.skewS >= 0 ? "+" : ""}${event.skewS} s`);
  if (verdict.dedupeKey !== null) facts.push(`dedupe ${p(verdict.dedupeKey)}`);
  lines.push(`    ${facts.join(" · ")}`);
  const headers = headersText(verdict.deliveryHeaders);
  if (headers !== "") lines.push(c.dim(`    ${headers}`));
  if (event.note) lines.push(c.yellow(`    ${p(event.note)}`));
  const shown = verbose ? verdict.checks : verdict.checks.filter((check) => !check.ok);
  for (const check of shown)
    lines.push(`    ${check.ok ? c.green("✓") : c.red("✗")} ${p(check.name)}: ${p(check.detail)}`);
  lines.push(...formatDiagnosis(verdict.diagnosis, c, "      "));
  return `${lines.join("\n")}\n`;
}

export function formatForwardEvent(event: ForwardEvent, c: ChalkInstance): string {
  const result =
    event.status === null
      ? c.red(`no answer (${p(String(event.error))})`)
      : event.status < 300
        ? c.green(String(event.status))
        : c.yellow(String(event.status));
  return `    ↪ forwarded to ${p(event.url)}: ${result} in ${event.durationMs} ms\n`;
}

/** A receiver error line (`error (id): message`); the message may quote what the delivery sent. */
export function formatErrorEvent(event: ErrorEvent, c: ChalkInstance): string {
  return c.red(`error${event.id ? ` (${p(event.id)})` : ""}: ${p(event.message)}\n`);
}
