// Bracken webhook handler: "Authorization: HMACSHA256 <base64>". Bracken signs JSON.stringify(body),
// so the raw bytes are tried first and the compact re-serialisation second; constant-time compare.
// Run: BRACKEN_WEBHOOK_SECRET=… PORT=3000 node examples/bracken-handler.mjs
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { dedupe, serve } from "./_server.mjs";

const secret = process.env.BRACKEN_WEBHOOK_SECRET;
if (!secret) throw new Error("set BRACKEN_WEBHOOK_SECRET");
const firstTime = dedupe();

const matches = (given, bytes) => {
  const expected = Buffer.from(`HMACSHA256 ${createHmac("sha256", secret).update(bytes).digest("base64")}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
};

serve("bracken", async (req, body) => {
  const given = Buffer.from(String(req.headers.authorization ?? ""));
  let parsed;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return { status: 403, text: "not from Bracken" };
  }
  if (!matches(given, body) && !matches(given, Buffer.from(JSON.stringify(parsed))))
    return { status: 403, text: "not from Bracken" }; // the Bracken tutorial answers 403
  // No event id is documented: dedupe on a hash of the body.
  if (firstTime(createHash("sha256").update(body).digest("hex"))) {
    // process parsed.event / parsed.user here
  }
  return { status: 200, text: "ok" };
});
