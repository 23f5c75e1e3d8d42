import type { Diagnosis } from "./diagnosis.js";
import type { ProviderId } from "./provider-id.js";

/** Why a delivery did not verify; the SPEC's closed list. */
export const REASONS = [
  "missing_header",
  "malformed_header",
  "signature_mismatch",
  "body_hash_mismatch",
  "unknown_key",
  "alg_not_allowed",
  "token_expired",
  "token_not_yet_valid",
  "issuer_not_trusted",
  "audience_mismatch",
  "timestamp_outside_window",
  "malformed_body",
  "no_secret",
  "jwks_unavailable",
  "unknown_provider",
] as const;
export type Reason = (typeof REASONS)[number];

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export type MetaValue = string | number | boolean | null;

export interface Verdict {
  readonly provider: ProviderId | null;
  readonly event: string | null;
  readonly verified: boolean;
  readonly reason: Reason | null;
  /** Every step that ran, in order; the failing one is last. */
  readonly checks: readonly Check[];
  /** What identifies the event across retries and duplicates (provider-specific). */
  readonly dedupeKey: string | null;
  /** The provider's delivery headers worth showing (attempt, delivery token, topic…). */
  readonly deliveryHeaders: Readonly<Record<string, string>>;
  /** Facts a human or script may want: idempotency key, retryOf, which body form matched… */
  readonly meta: Readonly<Record<string, MetaValue>>;
  /** Why a failed delivery failed upstream (the doctor's findings); always [] from the verifier itself. */
  readonly diagnosis: readonly Diagnosis[];
}

/**
 * Collects checks step by step. Verifiers call `pass` for each step that holds and return
 * `fail(...)` at the first that does not, so `checks` always reads as the story of the run.
 */
export class VerdictBuilder {
  readonly #checks: Check[] = [];
  event: string | null = null;
  dedupeKey: string | null = null;
  readonly deliveryHeaders: Record<string, string> = {};
  readonly meta: Record<string, MetaValue> = {};

  constructor(readonly provider: ProviderId | null) {}

  pass(name: string, detail: string): this {
    this.#checks.push({ name, ok: true, detail });
    return this;
  }

  fail(name: string, reason: Reason, detail: string): Verdict {
    this.#checks.push({ name, ok: false, detail });
    return this.#build(reason);
  }

  ok(): Verdict {
    return this.#build(null);
  }

  #build(reason: Reason | null): Verdict {
    return {
      provider: this.provider,
      event: this.event,
      verified: reason === null,
      reason,
      checks: [...this.#checks],
      dedupeKey: this.dedupeKey,
      deliveryHeaders: { ...this.deliveryHeaders },
      meta: { ...this.meta },
      diagnosis: [],
    };
  }
}
