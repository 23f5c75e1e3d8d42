// Kopo Kopo webhook handler: X-KopoKopo-Signature is hex HMAC-SHA256 keyed with the API KEY
// (not the client secret) over the body; constant-time compare; dedupe on _links.self.
// Run: KOPOKOPO_API_KEY=… PORT=3000 node examples/kopokopo-handler.mjs
import { createHmac, timingSafeEqual } from "node:crypto";
import { dedupe, serve } from "./_server.mjs";

const apiKey = process.env.KOPOKOPO_API_KEY;
if (!apiKey) throw new Error("set KOPOKOPO_API_KEY");
const firstTime = dedupe();

serve("kopokopo", async (req, body) => {
  const given = Buffer.from(String(req.headers["x-kopokopo-signature"] ?? ""), "hex");
  const expected = createHmac("sha256", apiKey).update(body).digest();
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { status: 401, text: "bad signature" };
  let event;
  try {
    event = JSON.parse(body.toString("utf8"));
  } catch {
    return { status: 400, text: "not JSON" };
  }
  const key = event?._links?.self ?? event?.data?.attributes?._links?.self;
  if (key && firstTime(key)) {
    // process event.topic / event.event.resource here
  }
  return { status: 200, text: "ok" };
});
