import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { CaptureWriter } from "../../src/adapters/capture.js";
import { LiveListener } from "../../src/listen/live.js";
import type { ListenEvent } from "../../src/listen/session.js";
import { signDfns } from "../../src/providers/dfns/sign.js";
import { newDedupeIndex } from "../../src/providers/index.js";
import { quietContext } from "../helpers/cli.js";
import { HeldFile } from "../helpers/held-file.js";

const SECRET = "whs-capture-before-answer";

const ctx = () => quietContext();

/** The real listener and session, capturing into a file whose writes the test holds back. */
async function listenerOver(file: HeldFile) {
  const events: ListenEvent[] = [];
  const dedupe = newDedupeIndex();
  const capture = new CaptureWriter("held.jsonl", file);
  const live = await LiveListener.start(
    {
      host: "127.0.0.1",
      port: 0,
      path: "/webhooks",
      maxBody: 1024 * 1024,
      dedupe,
      verifyOptions: Object.assign(() => ({ secrets: [SECRET] }), { reset: () => undefined }),
      provider: "dfns",
      capture,
      retain: false,
      tunnel: { mode: "none" },
    },
    ctx(),
    (event) => events.push(event),
  );
  after(() => live.close());
  return { live, events, dedupe };
}

function deliver(url: string, id: string): Promise<number> {
  const body = JSON.stringify({ id, kind: "wallet.created", timestampSent: Math.floor(Date.now() / 1000) });
  return fetch(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-DFNS-WEBHOOK-SIGNATURE": signDfns(Buffer.from(body), SECRET),
    },
    body,
  }).then(async (response) => {
    await response.text();
    return response.status;
  });
}

/** Whether `promise` settles within `ms`: proving an answer has NOT left needs a bounded wait. */
function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms)),
  ]);
}

describe("listen answers only after the delivery is captured", { timeout: 20_000 }, () => {
  it("holds the answer while its capture write is in flight (regression: a fire-and-forget write still passed every test)", async () => {
    const file = new HeldFile();
    const { live } = await listenerOver(file);
    const answer = deliver(live.localUrl, "whe-held");
    await file.writeCount(1);
    assert.match(file.writes[0] ?? "", /whe-held/, "the delivery's line is the write being held");
    assert.equal(await settlesWithin(answer, 300), false, "answered before the capture write completed");
    file.release(0);
    assert.equal(await answer, 200);
  });

  it("answers 503 when the capture write fails, and captures and answers the next delivery", async () => {
    const file = new HeldFile();
    const { live, events } = await listenerOver(file);
    const failed = deliver(live.localUrl, "whe-lost");
    await file.writeCount(1);
    file.fail(0);
    assert.equal(await failed, 503);
    assert.ok(
      events.some((e) => e.type === "error" && /could not write the capture: ENOSPC/.test(e.message)),
    );

    const next = deliver(live.localUrl, "whe-kept");
    await file.writeCount(2);
    assert.match(file.writes[1] ?? "", /whe-kept/);
    file.release(1);
    assert.equal(await next, 200);
  });

  it("concurrent deliveries share writes, each answered only after the write holding it", async () => {
    const file = new HeldFile();
    const { live, dedupe } = await listenerOver(file);
    const first = deliver(live.localUrl, "whe-c0");
    await file.writeCount(1);
    const rest = Array.from({ length: 8 }, (_, n) => deliver(live.localUrl, `whe-c${n + 1}`));
    // The session records each event in the dedupe index and then appends it to the capture at
    // once: when the index holds all nine, the eight are queued behind the held first write.
    while (dedupe.size < 9) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(file.writes.length, 1, "a second write started while the first was in flight");
    file.release(0);
    assert.equal(await first, 200);
    await file.writeCount(2);
    assert.equal(await settlesWithin(Promise.race(rest), 200), false, "a queued delivery was answered early");
    const queued = file.writes[1] ?? "";
    for (let n = 1; n <= 8; n++) assert.match(queued, new RegExp(`whe-c${n}\\b`));
    file.release(1);
    assert.deepEqual(await Promise.all(rest), Array(8).fill(200));
    assert.equal(file.writes.length, 2);
  });
});
