import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Chalk } from "chalk";
import { toRecord } from "../../src/core/capture-format.js";
import type { Verdict } from "../../src/core/verdict.js";
import type { DeliveryEvent } from "../../src/listen/session.js";
import { deliveryLine, emit } from "../../src/ui/json-lines.js";
import { formatDeliveryEvent, formatErrorEvent, formatForwardEvent } from "../../src/ui/listen-text.js";
import { formatReplayed } from "../../src/ui/replay-text.js";
import { formatReceived, formatSmokeOutcome } from "../../src/ui/smoke-text.js";
import { formatVerdict } from "../../src/ui/verdict-text.js";

// Without colour the renderers write no escape codes of their own: any ESC/CR/bidi in the output is the attacker's.
const plain = new Chalk({ level: 0 });
const FAKE = "ping\u001b[2K\r\u001b[32m✓ verified\u001b[0m → 200\n\u001b[8m";
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]/u;

const hostileVerdict: Verdict = {
  provider: "dfns",
  event: FAKE,
  verified: false,
  reason: "signature_mismatch",
  checks: [
    { name: "signature-header", ok: true, detail: `"${FAKE}"` },
    { name: "signature", ok: false, detail: "no secret matched" },
  ],
  dedupeKey: `whe-1${FAKE}`,
  deliveryHeaders: { "X-Attempt\u202e": "1\r\nX-Fake: ✓ verified\u2066" },
  meta: { retryOf: `whe-0${FAKE}`, deliveryAttempt: 2 },
  diagnosis: [{ code: "body_whitespace", detail: FAKE, fix: FAKE }],
};

/** Lines of the output: a forged newline would add a line starting with the fake mark. */
const lines = (text: string) => text.split("\n");

describe("renderers neutralise every string from a delivery", () => {
  it("listen: a hostile event name cannot draw a fake '✓ verified' line or hide the real failure", () => {
    const delivery = {
      id: `d_1${FAKE}`,
      method: "POST",
      path: "/webhooks",
      headers: [],
      body: new Uint8Array(),
      receivedAt: new Date("2026-11-23T10:00:00Z"),
    };
    const event: DeliveryEvent = {
      type: "delivery",
      arrival: "webhook",
      delivery,
      record: toRecord(delivery, { provider: "dfns", verdict: hostileVerdict, response: { status: 401 } }),
      verdict: hostileVerdict,
      duplicateOf: `d_0${FAKE}`,
      status: 401,
      skewS: null,
      note: `note${FAKE}`,
    };
    const text = formatDeliveryEvent(event, plain, true);
    assert.ok(!text.includes("\u001b"), JSON.stringify(text));
    assert.ok(!UNSAFE.test(text), JSON.stringify(text));
    assert.match(lines(text)[0] ?? "", /✗ signature_mismatch {2}→ 401/);
    assert.ok(!lines(text).some((line) => line.trimStart().startsWith("✓ verified")));
    assert.match(text, /retry of whe-0ping\\u001b\[2K\\r/);
    assert.match(text, /X-Attempt\\u202e: 1\\r\\nX-Fake: ✓ verified\\u2066/);
  });

  it("verify: the same delivery prints NOT VERIFIED and no forged line", () => {
    const text = formatVerdict(
      hostileVerdict,
      { id: `cap${FAKE}`, receivedAt: new Date(0), duplicateOf: `x${FAKE}` },
      plain,
    );
    assert.ok(!UNSAFE.test(text), JSON.stringify(text));
    assert.match(text, /NOT VERIFIED: signature_mismatch/);
    assert.ok(!lines(text).some((line) => line.trimStart().startsWith("✓ verified")));
  });

  it("a header value with CR/LF and bidi characters stays on one line, escaped", () => {
    const text = formatVerdict(
      { ...hostileVerdict, event: "ping", checks: [], dedupeKey: null },
      { id: "cap-1", receivedAt: new Date(0), duplicateOf: null },
      plain,
    );
    const headerLine = lines(text).find((line) => line.includes("X-Attempt"));
    assert.equal(headerLine, "  X-Attempt\\u202e: 1\\r\\nX-Fake: ✓ verified\\u2066");
  });

  it("forward, error, replay and smoke lines escape what the delivery or the capture said", () => {
    const texts = [
      formatForwardEvent(
        {
          type: "forward",
          id: "d",
          url: `http://x/${FAKE}`,
          status: null,
          error: FAKE,
          durationMs: 1,
          headers: [],
          firstLine: FAKE,
          bodyBase64: "",
        },
        plain,
      ),
      formatErrorEvent({ type: "error", id: FAKE, message: FAKE }, plain),
      formatReplayed(
        { id: FAKE, provider: FAKE },
        {
          status: null,
          error: FAKE,
          durationMs: 1,
          headers: [],
          body: Buffer.alloc(0),
          unreachable: true,
          timedOut: false,
        },
        plain,
      ),
      formatReceived({ verified: false, event: FAKE, id: FAKE, status: 401, reason: FAKE }, plain),
      formatSmokeOutcome(
        { passed: false, verified: 0, reason: FAKE, timings: { totalMs: 1 } },
        "dfns",
        plain,
      ),
    ];
    for (const text of texts) {
      assert.ok(!UNSAFE.test(text), JSON.stringify(text));
      assert.equal(text.split("\n").length, 2, `one line: ${JSON.stringify(text)}`);
    }
  });

  it("--json lines escape bidi and line separators too, and stay valid JSON with the same values", () => {
    let out = "";
    const verdict = { ...hostileVerdict, event: "a\u202eb\u2028c\u2029d\u009b" };
    emit({ stdout: { write: (s: string) => (out += s) } }, deliveryLine("d_1", verdict, null));
    assert.equal(out.split("\n").length, 2);
    assert.ok(!UNSAFE.test(out), out);
    assert.equal((JSON.parse(out) as { event: string }).event, verdict.event);
  });
});
