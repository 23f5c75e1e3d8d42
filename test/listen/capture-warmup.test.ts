import assert from "node:assert/strict";
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { serialiseRecord } from "../../src/core/capture-format.js";
import { signDfns } from "../../src/providers/dfns/sign.js";
import { captureOf } from "../helpers/captures.js";
import { post, startListen } from "../helpers/listen.js";
import { tempDir } from "../helpers/tmp.js";

const SECRET = "whs-warmup";
const ENV = { DFNS_WEBHOOK_SECRET: SECRET };

/** A captured Dfns delivery as listen writes it: the verdict carries the event key and retry link. */
function captured(id: string, event: string, retryOf: string | null = null): string {
  const record = captureOf(id, [], "x".repeat(600), new Date("2026-11-23T10:00:00Z"), "dfns");
  return serialiseRecord({ ...record, verdict: { provider: "dfns", dedupeKey: event, meta: { retryOf } } });
}

function dfns(event: string, extra: object = {}) {
  const body = JSON.stringify({
    id: event,
    kind: "wallet.created",
    timestampSent: Math.floor(Date.now() / 1000),
    ...extra,
  });
  return {
    body,
    headers: [["X-DFNS-WEBHOOK-SIGNATURE", signDfns(Buffer.from(body), SECRET)]] as [string, string][],
  };
}

describe("listen warm-up from the capture file", () => {
  it("finds duplicates of events deep in a multi-megabyte capture, past a corrupt line and a cut tail, across restarts", async () => {
    const capture = join(tempDir(), "cap.jsonl");
    const lines = Array.from({ length: 4000 }, (_, n) => captured(`old-${n}`, `whe-${n}`));
    lines.splice(2000, 0, '{"v":1,"broken\n');
    lines.push(captured("old-retry", "whe-r2", "whe-3999"));
    writeFileSync(capture, lines.join(""));
    appendFileSync(capture, captured("cut", "whe-cut").slice(0, 100));

    const first = await startListen(["--capture", capture], { env: ENV });
    // The first line written goes right after the cut tail.
    const fresh = dfns("whe-new");
    assert.equal((await post(first.url, fresh.headers, fresh.body)).status, 200);
    const again = dfns("whe-3500");
    assert.equal((await post(first.url, again.headers, again.body)).status, 200);
    const retry = dfns("whe-r3", { retryOf: "whe-r2" });
    assert.equal((await post(first.url, retry.headers, retry.body)).status, 200);
    const one = await first.stop();
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stderr, /cap\.jsonl:2001: not JSON: skipped/);
    assert.match(one.stderr, /last line is truncated/);
    const seen = one.lines.filter((l) => l.type === "delivery");
    assert.deepEqual(
      seen.map((l) => l.duplicateOf),
      [null, "old-3500", "old-3999"],
    );

    // The cut tail is now a corrupt middle line: the next start still reads every line after it.
    const second = await startListen(["--capture", capture], { env: ENV });
    for (const event of [again, fresh])
      assert.equal((await post(second.url, event.headers, event.body)).status, 200);
    const two = await second.stop();
    assert.deepEqual(
      two.lines.filter((l) => l.type === "delivery").map((l) => l.duplicateOf),
      ["old-3500", seen[0]?.id],
    );
    assert.match(two.stderr, /cap\.jsonl:4003: not JSON: skipped/, "the cut line, now followed by others");
  });
});
