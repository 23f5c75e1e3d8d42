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

/** What signs an outbound delivery: the provider-side credentials. */
export interface OutboundCredentials {
  /** HMAC secret: Dfns webhook secret, Bracken subscription secret, Kopo Kopo API key. */
  readonly secret?: string;
  /** JWT signing key: MoneyKit ES256, PointServices RS256. */
  readonly key?: import("./signing-key.js").SigningKey;
  /** JWT issuer (MoneyKit `iss`, PPS `iss`) and audience (PPS `aud`). */
  readonly issuer?: string;
  readonly audience?: string;
}

export interface OutboundDelivery {
  readonly headers: import("../core/delivery.js").HeaderPair[];
  readonly body: Uint8Array;
  /** The provider's event or delivery id (what a receiver dedupes on). */
  readonly eventId: string;
}

/**
 * Builds realistic, correctly signed deliveries of a provider's sample events: what `whtool send`
 * sends and what the emulator delivers (the emulator may add attempt-specific fields).
 */
export interface Outbound {
  /** Every event type there is a sample for (every type named in the provider reference). */
  readonly events: readonly string[];
  /** Accepts the provider's documented aliases (MoneyKit seed spellings) and returns the real name. */
  canonicalEvent(event: string): string | undefined;
  build(event: string, credentials: OutboundCredentials, at: Date): Promise<OutboundDelivery>;
}
