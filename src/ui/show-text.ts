import type { ChalkInstance } from "chalk";
import type { CaptureRecord } from "../core/capture-format.js";
import { printable as p } from "../core/printable.js";

/** A captured body for a person: pretty JSON, else text, else a note that it is binary; all neutralised. */
export function bodyText(body: Uint8Array, pretty: string | undefined, c: ChalkInstance): string[] {
  if (body.length === 0) return [c.dim("(empty body)")];
  if (pretty !== undefined) return pretty.split("\n").map((line) => p(line));
  const text = Buffer.from(body).toString("utf8");
  if (Buffer.from(text, "utf8").equals(Buffer.from(body))) return text.split("\n").map((line) => p(line));
  return [c.dim(`(${body.length} bytes, not UTF-8 text: --raw writes them exactly)`)];
}

/** `POST /webhooks` with when and from where, then every header in received order. */
export function requestText(record: CaptureRecord, c: ChalkInstance): string[] {
  const lines = [
    `${c.bold(p(record.method))} ${p(record.path)}  ${c.dim(`id ${p(record.id)}, received ${p(record.receivedAt)}${record.remote ? ` from ${p(record.remote)}` : ""}`)}`,
  ];
  for (const [name, value] of record.headers) lines.push(`${c.cyan(p(name))}: ${p(value)}`);
  return lines;
}

/** What whtool answered, and what the app answered when forwarding. */
export function answerText(record: CaptureRecord, c: ChalkInstance): string[] {
  const lines: string[] = [];
  const status = record.response?.status;
  lines.push(`whtool answered ${status === undefined ? c.dim("(not recorded)") : String(status)}`);
  const forwarded = record.forwarded as
    | { status?: unknown; durationMs?: unknown; error?: unknown }
    | undefined;
  if (typeof record.forwardTo === "string") {
    const answer =
      forwarded && typeof forwarded.status === "number"
        ? `${forwarded.status}${typeof forwarded.durationMs === "number" ? ` in ${forwarded.durationMs} ms` : ""}`
        : forwarded && typeof forwarded.error === "string"
          ? `no answer (${p(forwarded.error)})`
          : c.dim("(see the listen output)");
    lines.push(`forwarded to ${p(record.forwardTo)}: ${answer}`);
  }
  if (typeof record.oversizeBytes === "number")
    lines.push(c.yellow(`body of ${record.oversizeBytes} bytes refused (413), not kept`));
  return lines;
}
