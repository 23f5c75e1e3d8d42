// Dfns webhook handler: HMAC-SHA256 of the raw body, constant-time compare, 5-minute replay window,
// dedupe across retries (each retry is a new id with retryOf), and a quick 200.
// Run: DFNS_WEBHOOK_SECRET=whs-… PORT=3000 node examples/dfns-handler.mjs
import { createHmac, timingSafeEqual } from "node:crypto";
import { dedupe, serve } from "./_server.mjs";

const secret = process.env.DFNS_WEBHOOK_SECRET;
if (!secret) throw new Error("set DFNS_WEBHOOK_SECRET");
const firstTime = dedupe();
const rootOf = new Map(); // event id → first id of its retry chain

serve("dfns", async (req, body) => {
  const given = Buffer.from(String(req.headers["x-dfns-webhook-signature"] ?? ""));
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(body).digest("hex")}`);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { status: 401, text: "bad signature" };
  let event;
  try {
    event = JSON.parse(body.toString("utf8"));
  } catch {
    return { status: 400, text: "not JSON" };
  }
  if (!(Math.abs(Date.now() / 1000 - event.timestampSent) < 300)) return { status: 401, text: "stale" };
  const root = event.retryOf ? (rootOf.get(event.retryOf) ?? event.retryOf) : event.id;
  rootOf.set(event.id, root);
  if (firstTime(root)) {
    // queue the real work here; answer first
  }
  return { status: 200, text: "ok" };
});
