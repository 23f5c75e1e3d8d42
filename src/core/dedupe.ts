import type { Verdict } from "./verdict.js";

/**
 * Remembers which event each delivery belongs to, so later deliveries of the same event are
 * reported as duplicates of the first one seen. Dfns retries carry a new id and `retryOf` the
 * previous id: the chain is followed back to its root so every attempt maps to one event.
 */
export class DedupeIndex {
  /** provider:eventKey → id of the first delivery of that event */
  readonly #firstDelivery = new Map<string, string>();
  /** dfns event id → root event id of its retry chain */
  readonly #chainRoot = new Map<string, string>();

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
    if (provider !== "dfns") return dedupeKey;
    const retryOf = typeof meta.retryOf === "string" ? meta.retryOf : null;
    const root = retryOf === null ? dedupeKey : (this.#chainRoot.get(retryOf) ?? retryOf);
    this.#chainRoot.set(dedupeKey, root);
    return root;
  }
}
