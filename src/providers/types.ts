import type { ProviderApi } from "../api/types.js";
import type { Delivery, HeaderPair } from "../core/delivery.js";
import type { KeyStore } from "../core/keys.js";
import type { ProviderId } from "../core/provider-id.js";
import type { Verdict } from "../core/verdict.js";
import type { StartEmulator } from "../emulators/types.js";
import type { HmacScheme } from "./hmac-check.js";

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

/** Verified with a shared secret: where verify, send and check find it. */
export interface HmacCredentials {
  readonly kind: "hmac";
  /** The env var holding the secret (the default when no --secret / --secret-env is given). */
  readonly secretEnv: string;
}

/** Signed with a key published at a fixed JWKS under the provider's API URL. */
export interface JwksCredentials {
  readonly kind: "jwks";
  readonly alg: "ES256" | "RS256";
  /** The env var naming the API base URL; the JWKS is at `{base}{jwksPath}`. */
  readonly apiUrlEnv: string;
  readonly defaultApiUrl: string;
  readonly jwksPath: string;
  /** How long a fetched JWKS is trusted before it is fetched again. */
  readonly maxAgeMs: number;
}

/** Signed by OIDC issuers the user lists; keys are discovered only for a trusted issuer. */
export interface OidcCredentials {
  readonly kind: "oidc";
  readonly alg: "ES256" | "RS256";
  /** The env var listing trusted issuers (`ISSUER` or `ISSUER=AUDIENCE`, comma-separated). */
  readonly issuersEnv: string;
  /** An example value of it, for the "no trusted issuers" hint. */
  readonly issuersExample: string;
  /** The env var that overrides discovery with a JWKS URL. */
  readonly jwksUrlEnv: string;
  readonly maxAgeMs: number;
}

/** What config, send, check and the loop read instead of switching on provider ids. */
export type CredentialsDescriptor = HmacCredentials | JwksCredentials | OidcCredentials;

/** One request of the conformance suite (`whtool check`) and what a correct handler answers. */
export interface CheckCase {
  readonly name: string;
  readonly expect: "accept" | "reject";
  /** Why a handler must answer so, shown when it does not. */
  readonly why: string;
  readonly headers: readonly HeaderPair[];
  readonly body: Uint8Array;
  /** Done just before this case is sent (the key-rotation case publishes its new key). */
  prepare?(): void;
}

/** What a provider's forgeries are built from: a valid delivery and how it was made. */
export interface ForgeryInput {
  readonly event: string;
  readonly valid: OutboundDelivery;
  readonly credentials: OutboundCredentials;
  readonly outbound: Outbound;
  readonly now: Date;
  /** JWT providers: publish another key in the JWKS the handler trusts (a key rotation). */
  readonly publishKey?: (publicJwk: import("jose").JWK) => void;
}

/** The cases past the generic ones (valid, duplicate, missing signature) that this scheme must refuse or accept. */
export type Forgeries = (input: ForgeryInput) => Promise<CheckCase[]>;

/**
 * Everything whtool knows about one provider, in one row of the registry (src/providers/index.ts).
 * The cheap parts are held directly; the heavy ones are lazy loaders, so `whtool verify` never
 * loads an emulator, an API client or a sample builder.
 */
export interface ProviderDescriptor extends Provider {
  /** Whether these headers carry this provider's signature (SPEC: "Common flags and conventions"). */
  detect(headers: readonly HeaderPair[]): boolean;
  /** HMAC providers: the one scheme their signing twin and verifier share; null for JWT providers. */
  readonly hmac: HmacScheme | null;
  readonly credentials: CredentialsDescriptor;
  /** `followsRetryOf`: each retry carries a new id and `retryOf` the previous one (dedupe follows the chain). */
  readonly dedupe: { readonly followsRetryOf: boolean };
  /** How long the provider waits for an answer (`whtool check` fails a slower handler). */
  readonly answerBudgetMs: number;
  /** What `whtool check` cannot test of this provider's rules, said in its report (not silence). */
  readonly checkGaps: readonly string[];
  outbound(): Promise<Outbound>;
  forgeries(): Promise<Forgeries>;
  api(): Promise<ProviderApi>;
  emulator(): Promise<StartEmulator>;
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
/** A delivery as sent: headers in order and the exact body. */
export interface SignedMessage {
  readonly headers: readonly import("../core/delivery.js").HeaderPair[];
  readonly body: Uint8Array;
}

export interface Outbound {
  /** Every event type there is a sample for (every type named in the provider reference). */
  readonly events: readonly string[];
  /** Accepts the provider's documented aliases (MoneyKit seed spellings) and returns the real name. */
  canonicalEvent(event: string): string | undefined;
  build(event: string, credentials: OutboundCredentials, at: Date): Promise<OutboundDelivery>;
  /**
   * `replay --resign`: a captured delivery signed again as of `at` (a fresh timestamp where the
   * scheme has one: Dfns `timestampSent`, JWT `iat`/`exp`), every other header and byte as captured.
   */
  resign(message: SignedMessage, credentials: OutboundCredentials, at: Date): Promise<SignedMessage>;
}
