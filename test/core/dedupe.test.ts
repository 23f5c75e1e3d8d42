import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEDUPE_MAX_KEYS, DedupeIndex } from "../../src/core/dedupe.js";

const v = (provider: "dfns" | "moneykit", dedupeKey: string | null, retryOf: string | null = null) => ({
  provider,
  dedupeKey,
  meta: { retryOf },
});

/** Dfns retries carry retryOf (its registry row says so); the core index is handed that as data. */
const CHAINED: ReadonlySet<string> = new Set(["dfns"]);

describe("DedupeIndex", () => {
  it("flags a repeated idempotency key as a duplicate of the first delivery", () => {
    const index = new DedupeIndex(CHAINED);
    assert.equal(index.observe("d1", v("moneykit", "k1")), null);
    assert.equal(index.observe("d2", v("moneykit", "k2")), null);
    assert.equal(index.observe("d3", v("moneykit", "k1")), "d1");
  });

  it("keeps providers apart and ignores deliveries without a key", () => {
    const index = new DedupeIndex(CHAINED);
    assert.equal(index.observe("d1", v("moneykit", "same")), null);
    assert.equal(index.observe("d2", v("dfns", "same")), null);
    assert.equal(index.observe("d3", v("dfns", null)), null);
    assert.equal(index.observe("d4", v("dfns", null)), null);
  });

  it("follows a Dfns retry chain (new id per retry, retryOf the previous) back to its first attempt", () => {
    const index = new DedupeIndex(CHAINED);
    assert.equal(index.observe("d1", v("dfns", "whe-1")), null);
    assert.equal(index.observe("d2", v("dfns", "whe-2", "whe-1")), "d1");
    assert.equal(index.observe("d3", v("dfns", "whe-3", "whe-2")), "d1");
  });

  it("follows retryOf only for the providers it is handed: others dedupe on their own key", () => {
    const index = new DedupeIndex(new Set());
    assert.equal(index.observe("d1", v("dfns", "whe-1")), null);
    assert.equal(index.observe("d2", v("dfns", "whe-2", "whe-1")), null);
  });

  it("groups the later attempts of a chain whose first attempt was never seen", () => {
    const index = new DedupeIndex(CHAINED);
    assert.equal(index.observe("d2", v("dfns", "whe-2", "whe-1")), null);
    assert.equal(index.observe("d3", v("dfns", "whe-3", "whe-2")), "d2");
  });

  it("is bounded: past its limit it forgets the least recently seen event, not a recent one", () => {
    const index = new DedupeIndex(new Set(), 3);
    for (const n of [1, 2, 3]) assert.equal(index.observe(`d${n}`, v("moneykit", `k${n}`)), null);
    assert.equal(index.observe("d1-again", v("moneykit", "k1")), "d1"); // k1 is now the most recent
    assert.equal(index.observe("d4", v("moneykit", "k4")), null); // evicts k2, the least recent
    assert.equal(index.size, 3);
    assert.equal(index.observe("d2-again", v("moneykit", "k2")), null, "k2 was forgotten");
    assert.equal(index.observe("d1-third", v("moneykit", "k1")), "d1", "k1 was kept");
    assert.equal(DEDUPE_MAX_KEYS, 1_000_000);
  });

  it("bounds the Dfns retry links too, and stores none for first attempts", () => {
    const index = new DedupeIndex(CHAINED, 2);
    assert.equal(index.observe("d1", v("dfns", "whe-1")), null);
    assert.equal(index.observe("d2", v("dfns", "whe-2", "whe-1")), "d1");
    for (const n of [10, 11, 12]) index.observe(`x${n}`, v("dfns", `whe-${n}`));
    // whe-1's event was evicted by three newer events: its retry chain is a new event now.
    assert.equal(index.observe("d3", v("dfns", "whe-3", "whe-2")), null);
    assert.equal(index.observe("d4", v("dfns", "whe-4", "whe-3")), "d3");
  });
});
