import type { Delivery, HeaderPair } from "./delivery.js";

/** One line of the capture file (SPEC "Capture file"). */
export interface CaptureRecord {
  readonly v: 1;
  readonly id: string;
  readonly receivedAt: string;
  readonly method: string;
  readonly path: string;
  readonly remote: string | null;
  readonly headers: readonly HeaderPair[];
  readonly bodyBase64: string;
  readonly provider: string | null;
  readonly verdict: unknown;
  readonly response: { readonly status: number } | null;
  /** Anything else a writer recorded (forward result, oversize note…), kept as is. */
  readonly [extra: string]: unknown;
}

/**
 * Written after a forwarded delivery's own record (which is appended before forwarding, with
 * `response: null`): what the target answered and what the sender was then answered. Readers of
 * deliveries (verify, replay, check, dedupe) skip these lines; `followUpOf` reads one.
 */
export interface FollowUpRecord {
  readonly v: 1;
  /** The id of the delivery this completes. */
  readonly followUp: string;
  readonly at: string;
  readonly forward: {
    readonly url: string;
    readonly status: number | null;
    readonly error: string | null;
    readonly durationMs: number;
    readonly headers: readonly HeaderPair[];
    /** The first FOLLOW_UP_BODY_BYTES bytes of the target's body; `bodyBytes` is its whole size. */
    readonly bodyBase64: string;
    readonly bodyBytes: number;
  };
  readonly response: { readonly status: number };
}

/** How much of a forward target's answer is kept: enough to read an error message. */
export const FOLLOW_UP_BODY_BYTES = 1024;

export function followUpRecord(
  id: string,
  at: Date,
  forward: Omit<FollowUpRecord["forward"], "bodyBase64" | "bodyBytes"> & { readonly body: Uint8Array },
  status: number,
): FollowUpRecord {
  const { body, ...rest } = forward;
  const kept = body.subarray(0, FOLLOW_UP_BODY_BYTES);
  return {
    v: 1,
    followUp: id,
    at: at.toISOString(),
    forward: {
      ...rest,
      bodyBase64: Buffer.from(kept.buffer, kept.byteOffset, kept.byteLength).toString("base64"),
      bodyBytes: body.byteLength,
    },
    response: { status },
  };
}

/**
 * A parsed capture line that is a well-formed follow-up record, or undefined. The file may hold
 * anything: a line with the wrong shape is no follow-up (readers then warn about it, as about any
 * line that is not a record), so what reaches a page or a terminal has the types it claims.
 */
export function followUpOf(value: unknown): FollowUpRecord | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const r = value as Record<string, unknown>;
  if (r.v !== 1 || typeof r.followUp !== "string" || typeof r.forward !== "object" || r.forward === null)
    return undefined;
  const f = r.forward as Record<string, unknown>;
  const wellFormed =
    typeof f.url === "string" &&
    (f.status === null || Number.isInteger(f.status)) &&
    (f.error === null || typeof f.error === "string") &&
    typeof f.durationMs === "number" &&
    Array.isArray(f.headers) &&
    f.headers.every((h) => Array.isArray(h) && h.length === 2 && h.every((x) => typeof x === "string")) &&
    typeof f.bodyBase64 === "string";
  return wellFormed ? (value as FollowUpRecord) : undefined;
}

/**
 * A request refused before any body was read (Node's parser: 431 header block too large, 400
 * unreadable), recorded so no request is dropped silently: no headers, no body, `refused` says why.
 */
export function refusedRecord(
  id: string,
  refusal: {
    readonly status: number;
    readonly reason: string;
    readonly remote: string | null;
    readonly at: Date;
  },
): CaptureRecord {
  return {
    v: 1,
    id,
    receivedAt: refusal.at.toISOString(),
    method: "",
    path: "",
    remote: refusal.remote,
    headers: [],
    bodyBase64: "",
    provider: null,
    verdict: null,
    response: { status: refusal.status },
    refused: { status: refusal.status, reason: refusal.reason },
  };
}

export interface ParsedCapture {
  readonly records: readonly CaptureRecord[];
  readonly warnings: readonly string[];
}

export function toDelivery(record: CaptureRecord): Delivery {
  const delivery: Delivery = {
    id: record.id,
    method: record.method,
    path: record.path,
    headers: record.headers,
    body: Buffer.from(record.bodyBase64, "base64"),
    receivedAt: new Date(record.receivedAt),
  };
  return record.remote === null ? delivery : { ...delivery, remote: record.remote };
}

export function toRecord(
  delivery: Delivery,
  fields: {
    provider: string | null;
    verdict: unknown;
    response: { status: number } | null;
    [extra: string]: unknown;
  },
): CaptureRecord {
  return {
    v: 1,
    id: delivery.id,
    receivedAt: delivery.receivedAt.toISOString(),
    method: delivery.method,
    path: delivery.path,
    remote: delivery.remote ?? null,
    headers: delivery.headers,
    bodyBase64: Buffer.from(
      delivery.body.buffer,
      delivery.body.byteOffset,
      delivery.body.byteLength,
    ).toString("base64"),
    ...fields,
  };
}

export function serialiseRecord(record: CaptureRecord | FollowUpRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/** Record ids as listen writes them, plain enough to read without unescaping. */
const LEADING_ID = /^\{"v":1,"id":"([A-Za-z0-9_.:-]{1,128})",/;

/**
 * The id of a delivery line as serialiseRecord writes it (`{"v":1,"id":"…",`), read without parsing
 * the line; undefined for any other shape (parse those). Lets a follower skip lines it already holds.
 */
export function leadingRecordId(line: string): string | undefined {
  return LEADING_ID.exec(line)?.[1];
}

function describeVersion(v: unknown): string {
  if (typeof v === "number" || typeof v === "boolean" || v === null) return String(v);
  if (typeof v === "string") return JSON.stringify(v.slice(0, 20));
  return Array.isArray(v) ? "(an array)" : v === undefined ? "(none)" : `(a ${typeof v})`;
}

/** Why a parsed line is not a capture record, or undefined when it is one. */
function invalidRecord(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return "not a JSON object";
  const r = value as Record<string, unknown>;
  // Described, never re-serialised: a hostile line may nest its "v" thousands of levels deep.
  if (r.v !== 1) return `unsupported version ${describeVersion(r.v)} (this whtool reads v 1)`;
  if (typeof r.id !== "string" || r.id === "") return "no id";
  if (typeof r.receivedAt !== "string" || Number.isNaN(Date.parse(r.receivedAt)))
    return "no valid receivedAt";
  if (typeof r.method !== "string" || typeof r.path !== "string") return "no method or path";
  const pairs = r.headers;
  if (
    !Array.isArray(pairs) ||
    !pairs.every((h) => Array.isArray(h) && h.length === 2 && h.every((x) => typeof x === "string"))
  )
    return "headers are not [name, value] pairs";
  if (typeof r.bodyBase64 !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(r.bodyBase64))
    return "bodyBase64 is not base64";
  return undefined;
}

/** What one capture line holds: a record, a warning naming why it was skipped, or nothing (blank, or a follow-up). */
export type CaptureLine = { readonly record: CaptureRecord } | { readonly warning: string } | null;

/**
 * Judges one line (without its newline) of capture JSONL; `lineNumber` is 1-based. A last line
 * without a newline that does not parse is a write cut short by a crash: it gets its own warning.
 * Pure, so the whole-text parser and the streaming reader share it and cannot drift.
 */
export function parseCaptureLine(
  raw: string,
  lineNumber: number,
  isUnterminatedLast: boolean,
  source: string,
): CaptureLine {
  const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
  if (line.trim() === "") return null;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return {
      warning: isUnterminatedLast
        ? `${source}: last line is truncated (${line.length} chars, no newline; a write was cut short): skipped`
        : `${source}:${lineNumber}: not JSON: skipped`,
    };
  }
  // A forward's follow-up completes a delivery already read: not a delivery of its own.
  if (followUpOf(value)) return null;
  const problem = invalidRecord(value);
  if (problem) return { warning: `${source}:${lineNumber}: not a capture record (${problem}): skipped` };
  return { record: value as CaptureRecord };
}

/**
 * Reads capture JSONL held whole in memory (small inputs, tests). Any bad line is skipped with a
 * warning naming it; every good line is kept. Files go through the streaming reader instead.
 */
export function parseCaptureText(text: string, source: string): ParsedCapture {
  const records: CaptureRecord[] = [];
  const warnings: string[] = [];
  const lines = text.split("\n");
  const endsClean = text.endsWith("\n") || text === "";
  for (const [index, raw] of lines.entries()) {
    const parsed = parseCaptureLine(raw, index + 1, index === lines.length - 1 && !endsClean, source);
    if (parsed === null) continue;
    if ("record" in parsed) records.push(parsed.record);
    else warnings.push(parsed.warning);
  }
  return { records, warnings };
}
