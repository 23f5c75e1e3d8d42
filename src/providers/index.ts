import { DedupeIndex } from "../core/dedupe.js";
import type { HeaderPair } from "../core/delivery.js";
import type { ProviderId } from "../core/provider-id.js";
import { bracken } from "./bracken/index.js";
import { dfns } from "./dfns/index.js";
import { kopokopo } from "./kopokopo/index.js";
import { moneykit } from "./moneykit/index.js";
import { pps } from "./pps/index.js";
import type { ProviderDescriptor } from "./types.js";

/**
 * THE registry: one row per provider, each a complete descriptor (src/providers/types.ts).
 * Adding a provider is its folder and one line here (README: "Adding a provider").
 */
export const PROVIDERS: Readonly<Record<ProviderId, ProviderDescriptor>> = {
  moneykit,
  dfns,
  bracken,
  kopokopo,
  pps,
};

/** Guesses the provider from the headers alone: the first row whose `detect` recognises them. */
export function detectProvider(headers: readonly HeaderPair[]): ProviderId | undefined {
  return Object.values(PROVIDERS).find((provider) => provider.detect(headers))?.info.id;
}

const RETRY_CHAINED = new Set(
  Object.values(PROVIDERS)
    .filter((provider) => provider.dedupe.followsRetryOf)
    .map((provider) => provider.info.id),
);

/** A dedupe index that follows retry chains for the providers whose retries carry `retryOf`. */
export function newDedupeIndex(maxKeys?: number): DedupeIndex {
  return new DedupeIndex(RETRY_CHAINED, maxKeys);
}
