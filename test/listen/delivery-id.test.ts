import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { newDeliveryId } from "../../src/listen/delivery-id.js";

describe("delivery ids", () => {
  it("are unique and sort by arrival, even many in one millisecond", () => {
    const at = new Date("2026-11-23T10:00:00.123Z");
    const ids = Array.from({ length: 10_000 }, () => newDeliveryId(at));
    assert.equal(new Set(ids).size, ids.length);
    const later = newDeliveryId(new Date(at.getTime() + 1));
    assert.ok(
      ids.every((id) => id < later),
      "a later millisecond sorts after",
    );
    for (const id of ids) assert.match(id, /^d_[0-9a-z]{9}[0-9a-f]{10}$/);
  });
});
