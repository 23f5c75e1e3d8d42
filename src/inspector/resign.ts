import { type HeaderPair, headerValue } from "../core/delivery.js";
import type { ProviderId } from "../core/provider-id.js";
import { PROVIDERS } from "../providers/index.js";
import { kidOf } from "../providers/jwt-claims.js";
import type { SigningKey } from "../providers/signing-key.js";
import type { OutboundCredentials } from "../providers/types.js";

/**
 * What whtool holds to sign with: the secret listen/verify would use (HMAC providers) and
 * whtool's persisted test key (JWT providers). Never sent to the page.
 */
export interface SigningMaterial {
  secret(provider: ProviderId): Promise<string | undefined>;
  testKey(alg: "ES256" | "RS256"): Promise<SigningKey | undefined>;
}

export interface Resigned {
  readonly headers: HeaderPair[];
  readonly body: Uint8Array;
}

/** The token a JWT provider's signature header carries (`Bearer …` or the bare JWT). */
function tokenOf(provider: ProviderId, headers: readonly HeaderPair[]): string | undefined {
  const value = headerValue(headers, PROVIDERS[provider].info.signatureHeader);
  return value?.replace(/^Bearer\s+/i, "").trim() || undefined;
}

/**
 * What whtool would sign this delivery with, or undefined when it cannot: the HMAC secret it holds,
 * or, for a JWT provider, its test key — only when the delivery was signed with that key (re-signing
 * a real provider's token with another key would only produce a token the app rightly refuses).
 */
async function credentialsFor(
  provider: ProviderId,
  headers: readonly HeaderPair[],
  material: SigningMaterial,
): Promise<OutboundCredentials | undefined> {
  const { credentials } = PROVIDERS[provider];
  if (credentials.kind === "hmac") {
    const secret = await material.secret(provider);
    return secret === undefined ? undefined : { secret };
  }
  const key = await material.testKey(credentials.alg);
  if (key === undefined || kidOf(tokenOf(provider, headers)) !== key.kid) return undefined;
  return { key };
}

/** Whether whtool can re-sign this delivery (see credentialsFor). */
export async function canResign(
  provider: ProviderId | null,
  headers: readonly HeaderPair[],
  material: SigningMaterial,
): Promise<boolean> {
  return provider !== null && (await credentialsFor(provider, headers, material)) !== undefined;
}

/**
 * Signs the delivery again as the provider would now, through the provider's own outbound
 * (`Outbound.resign`): a fresh timestamp where the scheme has one, every other byte and header as captured.
 */
export async function resign(
  provider: ProviderId,
  headers: readonly HeaderPair[],
  body: Uint8Array,
  material: SigningMaterial,
  now: Date,
): Promise<Resigned | undefined> {
  const credentials = await credentialsFor(provider, headers, material);
  if (credentials === undefined) return undefined;
  const outbound = await PROVIDERS[provider].outbound();
  const signed = await outbound.resign({ headers, body }, credentials, now);
  return { headers: [...signed.headers], body: signed.body };
}
