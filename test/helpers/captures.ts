import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CaptureRecord, serialiseRecord, toRecord } from "../../src/core/capture-format.js";
import type { HeaderPair } from "../../src/core/delivery.js";

export const FIXTURES = new URL("../../../test/fixtures/", import.meta.url);
export const HMAC_CAPTURES = new URL("captures/hmac.jsonl", FIXTURES).pathname;

/** Env that verifies every delivery of hmac.jsonl (see test/fixtures/captures/README.md). */
export const HMAC_ENV = {
  DFNS_WEBHOOK_SECRET: "whs-fixture-secret",
  BRACKEN_WEBHOOK_SECRET: "bracken-fixture-secret",
  KOPOKOPO_API_KEY: "8463vr8472a2372763787b7dec3dbe49879323gg32",
};

export function captureOf(
  id: string,
  headers: HeaderPair[],
  body: Uint8Array | string,
  receivedAt: Date,
  provider: string | null = null,
): CaptureRecord {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  return toRecord(
    { id, method: "POST", path: "/webhooks", headers, body: bytes, receivedAt, remote: "127.0.0.1" },
    {
      provider,
      verdict: null,
      response: { status: 200 },
    },
  );
}

export function writeCaptures(dir: string, name: string, records: CaptureRecord[]): string {
  const path = join(dir, name);
  writeFileSync(path, records.map(serialiseRecord).join(""));
  return path;
}
