import type { CaptureRecord } from "../core/capture-format.js";
import type { Check, MetaValue, Verdict } from "../core/verdict.js";

/** What the app answered when listen forwarded the delivery (headers and body when the event carries them). */
export interface ForwardAnswer {
  readonly url: string;
  readonly status: number | null;
  readonly error: string | null;
  readonly durationMs: number;
  readonly headers?: readonly (readonly [string, string])[];
  readonly bodyBase64?: string;
}

/** One row of the list: small, so ten thousand of them stay cheap. */
export interface DeliverySummary {
  readonly id: string;
  /** Arrival order in this inspector (paging cursor). */
  readonly seq: number;
  readonly receivedAt: string;
  readonly method: string;
  readonly path: string;
  readonly provider: string | null;
  readonly event: string | null;
  /** null when the record holds no verdict. */
  readonly verified: boolean | null;
  readonly reason: string | null;
  /** What whtool answered the sender. */
  readonly status: number | null;
  readonly dedupeKey: string | null;
  /** The first delivery of the same event, when this one repeats it. */
  readonly duplicateOf: string | null;
  /** The provider's attempt counter (MoneyKit-Delivery-Attempt, Dfns deliveryAttempt), when it sends one. */
  readonly attempt: number | null;
  readonly bytes: number;
  forward: ForwardAnswer | null;
}

/**
 * The verdict a capture record holds, read defensively: records come from files anyone can
 * write, so every field is checked rather than trusted.
 */
export function recordVerdict(record: CaptureRecord): Verdict | null {
  const v = record.verdict as Partial<Verdict> | null;
  if (typeof v !== "object" || v === null || typeof v.verified !== "boolean") return null;
  const str = (x: unknown) => (typeof x === "string" ? x : null);
  const checks = Array.isArray(v.checks)
    ? v.checks.filter(
        (c): c is Check => typeof c === "object" && c !== null && typeof (c as Check).name === "string",
      )
    : [];
  return {
    provider: str(v.provider) as Verdict["provider"],
    event: str(v.event),
    verified: v.verified,
    reason: str(v.reason) as Verdict["reason"],
    checks,
    dedupeKey: str(v.dedupeKey),
    deliveryHeaders: isStringMap(v.deliveryHeaders) ? v.deliveryHeaders : {},
    meta: typeof v.meta === "object" && v.meta !== null ? (v.meta as Record<string, MetaValue>) : {},
    diagnosis: Array.isArray(v.diagnosis) ? v.diagnosis : [],
  };
}

function isStringMap(value: unknown): value is Record<string, string> {
  return (
    typeof value === "object" && value !== null && Object.values(value).every((x) => typeof x === "string")
  );
}

/** The attempt number the provider states, from its delivery headers or the verdict's meta. */
function attemptOf(verdict: Verdict | null): number | null {
  if (verdict === null) return null;
  for (const [name, value] of Object.entries(verdict.deliveryHeaders))
    if (/attempt/i.test(name) && /^\d+$/.test(value)) return Number(value);
  for (const [name, value] of Object.entries(verdict.meta))
    if (/attempt/i.test(name) && typeof value === "number") return value;
  return null;
}

export function summarise(record: CaptureRecord, seq: number, duplicateOf: string | null): DeliverySummary {
  const verdict = recordVerdict(record);
  const status = record.response?.status;
  return {
    id: record.id,
    seq,
    receivedAt: record.receivedAt,
    method: record.method,
    path: record.path,
    provider: verdict?.provider ?? (typeof record.provider === "string" ? record.provider : null),
    event: verdict?.event ?? null,
    verified: verdict?.verified ?? null,
    reason: verdict?.reason ?? null,
    status: typeof status === "number" ? status : null,
    dedupeKey: verdict?.dedupeKey ?? null,
    duplicateOf,
    attempt: attemptOf(verdict),
    // base64 length → byte count, without decoding the body.
    bytes: base64Bytes(record.bodyBase64),
    forward: null,
  };
}

/** The byte length a padded base64 text decodes to, without decoding it (or scanning it: `/=+$/` did). */
function base64Bytes(text: string): number {
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  return Math.floor((text.length * 3) / 4) - padding;
}
