import type { ChalkInstance } from "chalk";
import type { DeliveryEvent, ErrorEvent, ForwardEvent, RefusedEvent } from "../core/events.js";
import { printable } from "../core/printable.js";
import { answerWithBody } from "./answer-text.js";
import { formatDiagnosis } from "./diagnosis-text.js";
import { headersText } from "./headers-text.js";

/** One delivery as `listen` shows it: the headline, then what matters about it, then (verbose or failed) its checks. */
export function formatDeliveryEvent(event: DeliveryEvent, c: ChalkInstance, verbose: boolean): string {
  const { delivery, verdict, status } = event;
  const time = delivery.receivedAt.toISOString().slice(11, 23);
  const mark = verdict.verified ? c.green("✓ verified") : c.red(`✗ ${verdict.reason ?? "not verified"}`);
  const statusText = status < 300 ? c.green(String(status)) : c.yellow(String(status));
  const what =
    event.arrival === "off-path" ? printable(delivery.path) : printable(verdict.event ?? "(no event)");
  const lines = [
    `${c.dim(time)}  ${c.bold(printable(verdict.provider ?? "?"))}  ${what}  ${mark}  → ${statusText}  ${c.dim(printable(delivery.id))}`,
  ];
  if (event.arrival === "webhook") lines.push(`    ${facts(event, c).join(" · ")}`);
  const headers = headersText(verdict.deliveryHeaders);
  if (headers !== "") lines.push(c.dim(`    ${headers}`));
  if (event.note) lines.push(c.yellow(`    ${printable(event.note)}`));
  const shown = verbose ? verdict.checks : verdict.checks.filter((check) => !check.ok);
  for (const check of shown)
    lines.push(
      `    ${check.ok ? c.green("✓") : c.red("✗")} ${printable(check.name)}: ${printable(check.detail)}`,
    );
  lines.push(...formatDiagnosis(verdict.diagnosis, c, "      "));
  return `${lines.join("\n")}\n`;
}

function facts(event: DeliveryEvent, c: ChalkInstance): string[] {
  const { verdict } = event;
  const out: string[] = [];
  const { deliveryAttempt, retryOf } = verdict.meta;
  if (typeof deliveryAttempt === "number" && deliveryAttempt > 1) out.push(`attempt ${deliveryAttempt}`);
  if (typeof retryOf === "string") out.push(`retry of ${printable(retryOf)}`);
  out.push(
    event.duplicateOf === null ? "first seen" : c.yellow(`duplicate of ${printable(event.duplicateOf)}`),
  );
  if (event.skewS !== null) out.push(`skew ${event.skewS >= 0 ? "+" : ""}${event.skewS} s`);
  if (verdict.dedupeKey !== null) out.push(`dedupe ${printable(verdict.dedupeKey)}`);
  return out;
}

/** Printed right under its delivery: the app's status, time and the first line of its body. */
export function formatForwardEvent(event: ForwardEvent, c: ChalkInstance): string {
  return `    ↪ forwarded to ${printable(event.url)}: ${answerWithBody(event, event.firstLine, c)}\n`;
}

export function formatRefusedEvent(event: RefusedEvent, c: ChalkInstance): string {
  const time = event.at.toISOString().slice(11, 23);
  const from = event.remote === null ? "" : ` from ${printable(event.remote)}`;
  return `${c.dim(time)}  ${c.red(`refused${from}`)}  ${printable(event.reason)}  → ${c.yellow(String(event.status))}  ${c.dim(printable(event.id))}\n`;
}

/** A receiver error line (`error (id): message`); the message may quote what the delivery sent. */
export function formatErrorEvent(event: ErrorEvent, c: ChalkInstance): string {
  return c.red(`error${event.id ? ` (${printable(event.id)})` : ""}: ${printable(event.message)}\n`);
}
