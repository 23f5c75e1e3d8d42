import type { CaptureRecord } from "../../src/core/capture-format.js";
import { serialiseRecord, toRecord } from "../../src/core/capture-format.js";
import type { HeaderPair } from "../../src/core/delivery.js";

export interface RecordSpec {
  readonly provider?: string;
  readonly event?: string;
  readonly verified?: boolean;
  readonly dedupeKey?: string;
  readonly retryOf?: string;
  readonly attempt?: number;
  readonly headers?: HeaderPair[];
  readonly body?: string | Uint8Array;
  readonly status?: number;
  readonly at?: Date;
}

/** A capture record as listen writes it, with a verdict shaped like the verifier's. */
export function recordOf(id: string, spec: RecordSpec = {}): CaptureRecord {
  const provider = spec.provider ?? "dfns";
  const verified = spec.verified ?? true;
  const body = spec.body ?? `{"id":"${id}","kind":"${spec.event ?? "wallet.created"}"}`;
  return toRecord(
    {
      id,
      method: "POST",
      path: "/webhooks",
      headers: spec.headers ?? [
        ["Content-Type", "application/json"],
        ["X-Test", id],
      ],
      body: typeof body === "string" ? Buffer.from(body) : body,
      receivedAt: spec.at ?? new Date("2026-11-23T10:00:00.000Z"),
      remote: "127.0.0.1",
    },
    {
      provider,
      verdict: {
        provider,
        event: spec.event ?? "wallet.created",
        verified,
        reason: verified ? null : "signature_mismatch",
        checks: [
          { name: "signature-header", ok: true, detail: "present" },
          ...(verified ? [] : [{ name: "signature", ok: false, detail: "hmac-sha256 does not match" }]),
        ],
        dedupeKey: spec.dedupeKey ?? id,
        deliveryHeaders:
          spec.attempt === undefined ? {} : { "MoneyKit-Delivery-Attempt": String(spec.attempt) },
        meta: { retryOf: spec.retryOf ?? null },
        diagnosis: [],
      },
      response: { status: spec.status ?? (verified ? 200 : 401) },
    },
  );
}

export const jsonl = (records: readonly CaptureRecord[]) => records.map(serialiseRecord).join("");
