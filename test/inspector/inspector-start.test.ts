import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { startInspector } from "../../src/inspector/inspector.js";
import { tempDir } from "../helpers/tmp.js";
import { jsonl, recordOf } from "./records.js";

test("regression: a live delivery that arrives while a large capture is still being indexed sorts after the file's deliveries", async () => {
  const path = join(tempDir(), "big.jsonl");
  writeFileSync(
    path,
    jsonl(Array.from({ length: 20_000 }, (_, i) => recordOf(`old${i}`, { dedupeKey: "same-event" }))),
  );
  const inspector = await startInspector({
    port: 0,
    nextFree: false,
    indexFirst: false,
    portFlag: "--inspect-port",
    capture: path,
    forwardTo: null,
    material: null,
    now: () => new Date(),
    warn: () => {},
  });
  try {
    inspector.live(recordOf("new", { dedupeKey: "same-event" }));
    await inspector.indexed;
    const newest = inspector.store.list({}, { limit: 1 }).items[0];
    assert.equal(newest?.id, "new");
    assert.equal(newest?.duplicateOf, "old0", "dedupe saw the whole file first, dropped summaries included");
  } finally {
    await inspector.close();
  }
});
