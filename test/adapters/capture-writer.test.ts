import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CaptureWriter } from "../../src/adapters/capture.js";
import { toRecord } from "../../src/core/capture-format.js";
import { makeDelivery } from "../helpers/deliveries.js";
import { HeldFile } from "../helpers/held-file.js";

const record = (n: number) =>
  toRecord(
    { ...makeDelivery([["X-N", String(n)]], Buffer.from(`body ${n}`)), id: `d${n}` },
    { provider: null, verdict: null, response: null },
  );

/** The ids of the records in one write, in order. */
const idsIn = (write: string | undefined) =>
  (write ?? "")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => (JSON.parse(l) as { id: string }).id);

/** Lets every promise callback and I/O turn that is ready run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Tracks when each promise settles, without awaiting it. */
function track(promises: Promise<void>[]) {
  const state = promises.map(() => "pending" as "pending" | "resolved" | "rejected");
  promises.forEach((p, i) => {
    p.then(
      () => (state[i] = "resolved"),
      () => (state[i] = "rejected"),
    );
  });
  return state;
}

describe("CaptureWriter group commit", { timeout: 10_000 }, () => {
  it("resolves an append only after the write holding its line completes (regression: fire-and-forget writes passed every test)", async () => {
    const file = new HeldFile();
    const writer = new CaptureWriter("held.jsonl", file);
    const state = track([writer.append(record(1))]);
    await file.writeCount(1);
    await settle();
    assert.equal(state[0], "pending", "append resolved while its write was still in flight");
    file.release(0);
    await settle();
    assert.equal(state[0], "resolved");
    assert.deepEqual(idsIn(file.writes[0]), ["d1"]);
  });

  it("sends the lines queued behind an in-flight write out together, in call order", async () => {
    const file = new HeldFile();
    const writer = new CaptureWriter("held.jsonl", file);
    const appends = Array.from({ length: 50 }, (_, n) => writer.append(record(n)));
    const state = track(appends);
    await file.writeCount(1);
    await settle();
    // The first line went out alone; the other 49 wait for it, none written yet.
    assert.equal(file.writes.length, 1);
    assert.deepEqual(idsIn(file.writes[0]), ["d0"]);
    assert.ok(state.every((s) => s === "pending"));

    file.release(0);
    await file.writeCount(2);
    await settle();
    assert.equal(state[0], "resolved");
    assert.ok(
      state.slice(1).every((s) => s === "pending"),
      "queued appends resolved before their write",
    );
    assert.deepEqual(
      idsIn(file.writes[1]),
      Array.from({ length: 49 }, (_, n) => `d${n + 1}`),
    );

    file.release(1);
    await Promise.all(appends);
    assert.equal(file.writes.length, 2, "49 queued lines took one write");
  });

  it("a failed write rejects exactly the appends in its batch; later appends still work", async () => {
    const file = new HeldFile();
    const writer = new CaptureWriter("held.jsonl", file);
    const first = track([writer.append(record(0))]);
    await file.writeCount(1);
    const batch = [writer.append(record(1)), writer.append(record(2))];
    const batchState = track(batch);
    file.release(0);
    await file.writeCount(2);
    file.fail(1);
    await assert.rejects(batch[0] as Promise<void>, /ENOSPC/);
    await assert.rejects(batch[1] as Promise<void>, /ENOSPC/);
    await settle();
    assert.equal(first[0], "resolved");
    assert.deepEqual(batchState, ["rejected", "rejected"]);

    const later = writer.append(record(3));
    await file.writeCount(3);
    // The failed write may have left part of a line: the next one starts on a fresh line.
    assert.ok(file.writes[2]?.startsWith("\n"));
    assert.deepEqual(idsIn(file.writes[2]), ["d3"]);
    file.release(2);
    await later;
  });

  it("writes the rest of a line when the file takes only part of it", async () => {
    const chunks: string[] = [];
    const writer = new CaptureWriter("partial.jsonl", {
      // Takes at most 7 bytes a call, as a write interrupted by a signal would.
      write: async (buffer) => {
        const taken = Math.min(7, buffer.byteLength);
        chunks.push(Buffer.from(buffer.subarray(0, taken)).toString());
        return { bytesWritten: taken };
      },
      sync: async () => undefined,
      close: async () => undefined,
    });
    await Promise.all([writer.append(record(1)), writer.append(record(2))]);
    assert.deepEqual(idsIn(chunks.join("")), ["d1", "d2"]);
  });

  it("close waits for queued lines, then syncs and closes the file", async () => {
    const file = new HeldFile();
    const writer = new CaptureWriter("held.jsonl", file);
    const appends = [writer.append(record(1)), writer.append(record(2))];
    const closing = writer.close();
    await file.writeCount(1);
    file.release(0);
    await file.writeCount(2);
    await settle();
    assert.equal(file.closed, false, "closed before the queued line was written");
    file.release(1);
    await closing;
    await Promise.all(appends);
    assert.equal(file.synced, true);
    assert.equal(file.closed, true);
    assert.deepEqual(idsIn(file.writes.join("")), ["d1", "d2"]);
  });
});
