import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DedupeIndex } from "../../src/core/dedupe.js";

const v = (provider: "dfns" | "moneykit", dedupeKey: string | null, retryOf: string | null = null) => ({
  provider,
  dedupeKey,
  meta: { retryOf },
});

describe("DedupeIndex", () => {
  it("flags a repeated idempotency key as a duplicate of the first delivery", () => {
    const index = new DedupeIndex();
    assert.equal(index.observe("d1", v("moneykit", "k1")), null);
    assert.equal(index.observe("d2", v("moneykit", "k2")), null);
    assert.equal(index.observe("d3", v("moneykit", "k1")), "d1");
  });

  it("keeps providers apart and ignores deliveries without a key", () => {
    const index = new DedupeIndex();
    assert.equal(index.observe("d1", v("moneykit", "same")), null);
    assert.equal(index.observe("d2", v("dfns", "same")), null);
    assert.equal(index.observe("d3", v("dfns", null)), null);
    assert.equal(index.observe("d4", v("dfns", null)), null);
  });

  it("follows a Dfns retry chain (new id per retry, retryOf the previous) back to its first attempt", () => {
    const index = new DedupeIndex();
    assert.equal(index.observe("d1", v("dfns", "whe-1")), null);
    assert.equal(index.observe("d2", v("dfns", "whe-2", "whe-1")), "d1");
    assert.equal(index.observe("d3", v("dfns", "whe-3", "whe-2")), "d1");
  });

  it("groups the later attempts of a chain whose first attempt was never seen", () => {
    const index = new DedupeIndex();
    assert.equal(index.observe("d2", v("dfns", "whe-2", "whe-1")), null);
    assert.equal(index.observe("d3", v("dfns", "whe-3", "whe-2")), "d2");
  });
});
