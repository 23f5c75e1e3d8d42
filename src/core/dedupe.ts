import { LruMap } from "./lru-map.js";
import type { Verdict } from "./verdict.js";

/**
 * How many events the index remembers (and, separately, how many retry links). At about
 * 150 bytes an entry this caps it near 150 MB however long listen runs or however large the
 * capture it warms up from; past it the least recently seen event is forgotten, so a retry of an
 * event older than the last million is reported as first seen.
 */
export const DEDUPE_MAX_KEYS = 1_000_000;

/**
 * Remembers which event each delivery belongs to, so later deliveries of the same event are
 * reported as duplicates of the first one seen. Some providers' retries carry a new id and `retryOf`
 * the previous id (the registry says which: `dedupe.followsRetryOf`): for those the chain is
 * followed back to its root so every attempt maps to one event.
 * Only keys and delivery ids are held (never bodies or verdicts), at most `maxKeys` of each.
 */
export class DedupeIndex {
  /** provider:eventKey → id of the first delivery of that event */
  readonly #firstDelivery: LruMap<string>;
  /** retry event id → root event id of its retry chain (first attempts are not stored) */
  readonly #chainRoot: LruMap<string>;
  /** Providers whose retries link to the previous attempt through `meta.retryOf`. */
  readonly #retryChained: ReadonlySet<string>;

  constructor(retryChained: ReadonlySet<string> = new Set(), maxKeys = DEDUPE_MAX_KEYS) {
    this.#retryChained = retryChained;
    this.#firstDelivery = new LruMap(maxKeys);
    this.#chainRoot = new LruMap(maxKeys);
  }

  /** How many events are remembered. */
  get size(): number {
    return this.#firstDelivery.size;
  }

  /** Records a delivery; returns the id of the earlier delivery it duplicates, or null when first seen. */
  observe(deliveryId: string, verdict: Pick<Verdict, "provider" | "dedupeKey" | "meta">): string | null {
    const eventKey = this.#eventKey(verdict);
    if (eventKey === null) return null;
    const key = `${verdict.provider}:${eventKey}`;
    const first = this.#firstDelivery.get(key);
    if (first !== undefined) return first;
    this.#firstDelivery.set(key, deliveryId);
    return null;
  }

  #eventKey({ provider, dedupeKey, meta }: Pick<Verdict, "provider" | "dedupeKey" | "meta">): string | null {
    if (dedupeKey === null) return null;
    if (provider === null || !this.#retryChained.has(provider)) return dedupeKey;
    const retryOf = typeof meta.retryOf === "string" ? meta.retryOf : null;
    if (retryOf === null) return dedupeKey;
    // Only retries are linked: an event missing from the map is its own chain's root.
    const root = this.#chainRoot.get(retryOf) ?? retryOf;
    this.#chainRoot.set(dedupeKey, root);
    return root;
  }
}
