import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { waitingText } from "../../src/ui/smoke-text.js";

describe("smoke's spinner while it waits", () => {
  it("shows how many verified deliveries arrived and how long is left", () => {
    assert.equal(
      waitingText("waiting for 2 verified Dfns deliveries", 1, 2, 51_200),
      "waiting for 2 verified Dfns deliveries — 1 of 2 so far, 52 s left",
    );
    assert.equal(
      waitingText("waiting for 1 verified Dfns delivery", 3, 1, -5),
      "waiting for 1 verified Dfns delivery — 1 of 1 so far, 0 s left",
    );
  });
});
