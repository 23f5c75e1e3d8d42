import assert from "node:assert/strict";
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { followUpRecord, serialiseRecord } from "../../src/core/capture-format.js";
import { fileSource, followCapture } from "../../src/inspector/capture-follow.js";
import { DeliveryStore } from "../../src/inspector/store.js";
import { tempDir } from "../helpers/tmp.js";
import { jsonl, recordOf } from "./records.js";

const PROVIDERS = ["dfns", "bracken", "kopokopo", "moneykit", "pps"];

describe("inspector store", () => {
  test("12,000 captured deliveries: 10,000 newest held as summaries only, paged newest first, details re-read from the file", async () => {
    const dir = tempDir();
    const path = join(dir, "big.jsonl");
    const records = Array.from({ length: 12_000 }, (_, i) =>
      recordOf(`d_${String(i).padStart(5, "0")}`, {
        provider: PROVIDERS[i % 5] ?? "dfns",
        verified: i % 3 !== 0,
      }),
    );
    writeFileSync(path, jsonl(records));
    const store = new DeliveryStore(fileSource(path));
    const follower = followCapture(path, store);
    await follower.poll();
    await follower.close();

    assert.equal(store.size, 10_000);
    assert.equal(store.recordsHeld, 0, "file-backed deliveries keep no full record in memory");
    const first = store.list({}, { limit: 100 });
    assert.equal(first.total, 10_000);
    assert.equal(first.dropped, 2_000);
    assert.equal(first.items.length, 100);
    assert.equal(first.items[0]?.id, "d_11999", "newest first");

    const seen = new Set<string>();
    let before: number | undefined;
    let pages = 0;
    for (;;) {
      const page = store.list({}, { limit: 500, ...(before === undefined ? {} : { before }) });
      for (const item of page.items) seen.add(item.id);
      pages++;
      if (page.next === null) break;
      before = page.next;
    }
    assert.equal(seen.size, 10_000, "every held delivery on exactly one page");
    assert.equal(pages, 20);
    assert.ok(!seen.has("d_01999") && seen.has("d_02000"), "the oldest 2,000 were the ones dropped");

    const detail = await store.record("d_05000");
    assert.deepEqual(detail, records[5000], "read back at its offset, byte for byte the same record");
  });

  test("filters narrow the list: provider, verified, event and text", () => {
    const store = new DeliveryStore();
    store.add(recordOf("a1", { provider: "dfns", verified: true, event: "wallet.created" }), null);
    store.add(
      recordOf("a2", { provider: "dfns", verified: false, event: "wallet.transfer.confirmed" }),
      null,
    );
    store.add(recordOf("a3", { provider: "bracken", verified: true, event: "User_Create" }), null);
    const ids = (page: ReturnType<DeliveryStore["list"]>) => page.items.map((s) => s.id);
    assert.deepEqual(ids(store.list({ provider: "dfns" })), ["a2", "a1"]);
    assert.deepEqual(ids(store.list({ verified: false })), ["a2"]);
    assert.deepEqual(ids(store.list({ event: "User_Create" })), ["a3"]);
    assert.deepEqual(ids(store.list({ q: "TRANSFER" })), ["a2"]);
    assert.deepEqual(store.list({}).facets.providers, ["bracken", "dfns"]);
  });

  test("live deliveries keep full records for the newest few only", () => {
    const store = new DeliveryStore(null, { maxSummaries: 50, maxRecords: 5 });
    for (let i = 0; i < 80; i++) store.add(recordOf(`live${i}`), null);
    assert.equal(store.size, 50);
    assert.equal(store.recordsHeld, 5);
  });

  test("regression: a forward answer reported before its delivery is indexed is not lost", () => {
    const store = new DeliveryStore();
    const forward = { url: "http://127.0.0.1:3000/", status: 201, error: null, durationMs: 4 };
    store.attachForward("early", forward); // listen emits "forward" before "delivery"
    store.add(recordOf("early"), null);
    assert.deepEqual(store.summary("early")?.forward, forward);
  });

  test("retries of one event form a chain; a duplicate points at the first attempt", () => {
    const store = new DeliveryStore();
    store.add(recordOf("r1", { dedupeKey: "whe-1" }), null);
    store.add(recordOf("r2", { dedupeKey: "whe-2", retryOf: "whe-1" }), null);
    store.add(recordOf("r3", { dedupeKey: "whe-3", retryOf: "whe-2" }), null);
    store.add(recordOf("other", { dedupeKey: "whe-9" }), null);
    assert.equal(store.summary("r3")?.duplicateOf, "r1");
    assert.deepEqual(
      store.attempts("r2").map((s) => s.id),
      ["r1", "r2", "r3"],
    );
    assert.deepEqual(
      store.attempts("other").map((s) => s.id),
      ["other"],
    );
  });

  test("a storm of one event's duplicates past the cap: the chain keeps exactly the held attempts, oldest dropped first", () => {
    // Every delivery the same event: one group of thousands. Dropping filtered that whole group per
    // drop, which made listen spend most of its CPU here under a repeated delivery.
    const store = new DeliveryStore(null, { maxSummaries: 1_000, maxRecords: 5 });
    const n = 40_000;
    for (let i = 0; i < n; i++) store.add(recordOf(`s${i}`, { dedupeKey: "whe-storm" }), null);
    assert.equal(store.size, 1_000);
    const chain = store.attempts(`s${n - 1}`).map((s) => s.id);
    assert.equal(chain.length, 1_000, "the chain holds exactly the deliveries still held");
    assert.equal(chain[0], `s${n - 1_000}`);
    assert.equal(chain.at(-1), `s${n - 1}`);
    assert.equal(
      store.summary(`s${n - 1}`)?.duplicateOf,
      "s0",
      "still points at the first attempt ever seen",
    );
    const counter = new DeliveryStore(null, { maxSummaries: 100, maxRecords: 5 });
    for (let i = 0; i < 200; i++) counter.add(recordOf(`c${i}`, { dedupeKey: "whe-c" }), null);
    assert.deepEqual(
      counter.attempts("c150").map((s) => s.id),
      Array.from({ length: 100 }, (_, i) => `c${100 + i}`),
    );
  });

  test("a captured forward's follow-up gives the delivery the app's answer (inspect, or listen restarted); a malformed one is ignored", async () => {
    const path = join(tempDir(), "forwarded.jsonl");
    const answer = followUpRecord(
      "fw1",
      new Date("2026-11-23T10:00:01.000Z"),
      {
        url: "http://127.0.0.1:3000/webhooks",
        status: 201,
        error: null,
        durationMs: 12,
        headers: [["Content-Type", "text/plain"]],
        body: Buffer.from("created"),
      },
      201,
    );
    const malformed = { ...answer, followUp: "fw2", forward: { ...answer.forward, headers: "x" } };
    writeFileSync(
      path,
      `${jsonl([recordOf("fw1"), recordOf("fw2")])}${serialiseRecord(answer)}${JSON.stringify(malformed)}\n`,
    );
    const store = new DeliveryStore(fileSource(path));
    const follower = followCapture(path, store);
    await follower.poll();
    await follower.close();
    assert.equal(store.size, 2, "a follow-up is no delivery of its own");
    const forward = store.summary("fw1")?.forward;
    assert.equal(forward?.status, 201);
    assert.deepEqual(forward?.headers, [["Content-Type", "text/plain"]]);
    assert.equal(Buffer.from(forward?.bodyBase64 ?? "", "base64").toString(), "created");
    assert.equal(store.summary("fw2")?.forward, null);
  });

  test("following: only appended bytes are read, a half-written line waits for its newline, a live copy gains its offset", async () => {
    const dir = tempDir();
    const path = join(dir, "grow.jsonl");
    writeFileSync(path, jsonl([recordOf("f1")]));
    const store = new DeliveryStore(fileSource(path));
    const follower = followCapture(path, store, { intervalMs: 60_000 });
    await follower.poll();
    assert.equal(store.size, 1);

    store.add(recordOf("f2"), null); // listen's live event arrives before the follower sees the line
    assert.equal(store.recordsHeld, 1);
    const line = jsonl([recordOf("f2")]);
    appendFileSync(path, line.slice(0, 40));
    await follower.poll();
    assert.equal(store.size, 2);
    appendFileSync(path, `${line.slice(40)}${jsonl([recordOf("f3")])}`);
    await follower.poll();
    await follower.close();
    assert.deepEqual(
      store.list({}).items.map((s) => s.id),
      ["f3", "f2", "f1"],
      "no second row for f2",
    );
    assert.equal(store.recordsHeld, 0, "f2's in-memory copy was dropped once its offset was known");
    assert.equal((await store.record("f2"))?.id, "f2");
  });
});
