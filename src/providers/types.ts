import type { Delivery } from "../core/delivery.js";
import type { KeyStore } from "../core/keys.js";
import type { ProviderId } from "../core/provider-id.js";
import type { Verdict } from "../core/verdict.js";

/** An issuer PointServices tokens may come from; `audiences: null` skips the audience check (as the PPS guide does). */
export interface TrustedIssuer {
  readonly issuer: string;
  readonly audiences: readonly string[] | null;
}

export interface VerifyOptions {
  /** The instant time windows are judged at (the capture's receivedAt by default). */
  readonly at: Date;
  /** HMAC secrets, newest first; older ones are accepted too (rotation). */
  readonly secrets: readonly string[];
  /** Public keys for JWT providers. */
  readonly keys?: KeyStore;
  readonly trustedIssuers?: readonly TrustedIssuer[];
}

/** What `whtool providers` prints and what the commands need to know about a provider. */
export interface ProviderInfo {
  readonly id: ProviderId;
  readonly name: string;
  readonly scheme: string;
  readonly signatureHeader: string;
  /** Headers shown with every delivery (attempt counters, delivery ids, topics). */
  readonly deliveryHeaders: readonly string[];
  /** Env vars `verify` reads. */
  readonly verifyEnv: readonly string[];
  /** Env vars `register`/`trigger` read. */
  readonly apiEnv: readonly string[];
  readonly urlEnv: readonly string[];
  readonly events: readonly string[];
  readonly dedupe: string;
  readonly retries: string;
  /** Status a receiver answers a delivery that fails verification. */
  readonly rejectStatus: number;
  /** Facts the public material leaves open, said plainly. */
  readonly unknowns: readonly string[];
}

export interface Provider {
  readonly info: ProviderInfo;
  verify(delivery: Delivery, options: VerifyOptions): Promise<Verdict>;
}
