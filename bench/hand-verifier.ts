// The streaming verifier a user writes by hand from Dfns' guide, as the baseline for `whtool
// verify` over a large capture: readline, JSON.parse, HMAC-SHA256 hex of the raw body, constant-
// time compare. Usage: node dist/bench/hand-verifier.js FILE SECRET → prints the verified count.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

const [file, secret] = process.argv.slice(2);
if (!file || !secret) throw new Error("usage: hand-verifier FILE SECRET");
let verified = 0;
let failed = 0;
for await (const line of createInterface({
  input: createReadStream(file),
  crlfDelay: Number.POSITIVE_INFINITY,
})) {
  if (line === "") continue;
  const record = JSON.parse(line) as { headers: [string, string][]; bodyBase64: string };
  const header =
    record.headers.find(([name]) => name.toLowerCase() === "x-dfns-webhook-signature")?.[1] ?? "";
  const body = Buffer.from(record.bodyBase64, "base64");
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(body).digest("hex")}`);
  const given = Buffer.from(header);
  if (given.length === expected.length && timingSafeEqual(given, expected)) verified++;
  else failed++;
}
process.stdout.write(`${JSON.stringify({ verified, failed })}\n`);
