import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseTrustedIssuers } from "../../src/config/trusted-issuers.js";
import { parseHeaderLine } from "../../src/core/delivery.js";
import { parseDuration, parseInstant } from "../../src/core/time.js";

describe("parseHeaderLine", () => {
  it("splits on the first colon and trims", () => {
    assert.deepEqual(parseHeaderLine("Authorization:  Bearer a:b "), ["Authorization", "Bearer a:b"]);
  });
  it("refuses lines without a valid name", () => {
    for (const bad of ["no colon", ": value", "bad name: x", "ümlaut: x"])
      assert.equal(parseHeaderLine(bad), undefined, bad);
  });
});

describe("time parsing", () => {
  const now = new Date("2026-11-23T10:00:00Z");
  it("parses now, ISO and unix seconds; refuses garbage", () => {
    assert.equal(parseInstant("now", now), now);
    assert.equal(parseInstant("2026-11-23T09:00:00Z", now)?.toISOString(), "2026-11-23T09:00:00.000Z");
    assert.equal(parseInstant("1795428000", now)?.getTime(), 1795428000_000);
    assert.equal(parseInstant("soon", now), undefined);
  });
  it("parses durations", () => {
    assert.equal(parseDuration("30s"), 30_000);
    assert.equal(parseDuration("2m"), 120_000);
    assert.equal(parseDuration("500ms"), 500);
    assert.equal(parseDuration("15"), 15_000);
    assert.equal(parseDuration("fast"), undefined);
  });
});

describe("parseTrustedIssuers", () => {
  it("reads ISSUER and ISSUER=AUDIENCE entries, merging audiences per issuer", () => {
    assert.deepEqual(parseTrustedIssuers(" https://a=x, https://b ,https://a=y,,"), [
      { issuer: "https://a", audiences: ["x", "y"] },
      { issuer: "https://b", audiences: null },
    ]);
  });
  it("an issuer listed once without audience skips the audience check", () => {
    assert.deepEqual(parseTrustedIssuers("https://a=x,https://a"), [
      { issuer: "https://a", audiences: null },
    ]);
  });
  it("reads nothing from an empty or missing value", () => {
    assert.deepEqual(parseTrustedIssuers(undefined), []);
    assert.deepEqual(parseTrustedIssuers(" , "), []);
  });
});
