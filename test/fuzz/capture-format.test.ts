import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseCaptureText, serialiseRecord, toDelivery } from "../../src/core/capture-format.js";
import type { HeaderPair } from "../../src/core/delivery.js";
import { detectProvider, PROVIDERS } from "../../src/providers/index.js";
import { captureOf } from "../helpers/captures.js";
import { AT } from "../helpers/deliveries.js";

// Property-based, bounded by numRuns and unseeded (a failure prints the seed to replay it).
const RUNS = 100;

const header: fc.Arbitrary<HeaderPair> = fc.tuple(
  fc.oneof(
    fc.constantFrom("X-DFNS-WEBHOOK-SIGNATURE", "Authorization", "X-KopoKopo-Signature", "X-Pps-Topic"),
    fc.string({ minLength: 1, maxLength: 12 }),
  ),
  fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom("Bearer x.y.z", "HMACSHA256 abc=", "sha256=00")),
);
const recordLine = fc
  .tuple(
    fc.string({ minLength: 1, maxLength: 12 }),
    fc.array(header, { maxLength: 4 }),
    fc.uint8Array({ maxLength: 200 }),
  )
  .map(([id, headers, body]) => ({ id, line: serialiseRecord(captureOf(id, headers, body, AT)).trimEnd() }));
const junkLine = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.json(),
  // Deep nesting, bare and as the version (which the reader once re-serialised into its warning).
  fc.integer({ min: 1, max: 6000 }).map((n) => `${"[".repeat(n)}${"]".repeat(n)}`),
  fc.integer({ min: 1, max: 6000 }).map((n) => `{"v":${"[".repeat(n)}${"]".repeat(n)}}`),
  fc.constantFrom('{"v":1}', '{"v":2,"id":"x"}', "[]", "null", '{"v":1,"id":"a","receivedAt":"nope"}'),
);
/** Lines of a capture, valid or not, each tagged with the id it should yield when valid. */
const lines = fc.array(
  fc.oneof(
    recordLine,
    junkLine.map((line) => ({ id: undefined, line: line.replace(/\n/g, " ") })),
  ),
  { maxLength: 8 },
);

describe("fuzz: the capture reader", () => {
  it("any text gives records and warnings, never an exception", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const parsed = parseCaptureText(text, "fuzz");
        assert.ok(Array.isArray(parsed.records) && Array.isArray(parsed.warnings));
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it("keeps every valid record among junk, in order, and each one gets a verdict", async () => {
    await fc.assert(
      fc.asyncProperty(lines, fc.boolean(), async (tagged, cutLast) => {
        let text = tagged.map((t) => `${t.line}\n`).join("");
        // A crash mid-write leaves a last line without its end: it is skipped, nothing else is lost.
        if (cutLast && text.length > 2) text = text.slice(0, -2);
        const parsed = parseCaptureText(text, "fuzz");
        const expected = tagged.flatMap((t, i) =>
          t.id !== undefined && !(cutLast && i === tagged.length - 1) ? [t.id] : [],
        );
        const got = parsed.records.map((r) => r.id);
        assert.deepEqual(
          got.filter((id) => expected.includes(id)),
          expected,
        );
        for (const record of parsed.records) {
          const delivery = toDelivery(record);
          const provider = detectProvider(delivery.headers);
          if (provider === undefined) continue;
          const verdict = await PROVIDERS[provider].verify(delivery, { at: AT, secrets: ["s"] });
          assert.equal(verdict.verified, verdict.reason === null);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
