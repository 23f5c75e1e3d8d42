// The Dfns receiver a user writes by hand from the Dfns guide, as the baseline for `whtool listen`:
// node:http, read the body, HMAC-SHA256 hex over the raw bytes, constant-time compare, the
// timestampSent window, one log line appended per request. Usage: node dist/bench/listen-hand-server.js
// PORT SECRET LOGFILE (PORT 0: any); prints {"port":N} once listening. `bare` as the secret: no verifying.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createWriteStream } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const [port, secret, logFile] = process.argv.slice(2);
if (!port || !secret || !logFile) throw new Error("usage: listen-hand-server PORT SECRET|bare LOGFILE");
const log = createWriteStream(logFile, { flags: "a" });

const bare = createServer((_req, res) => {
  _req.resume();
  _req.on("end", () => res.end("ok"));
});

const verifying = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    const given = Buffer.from(String(req.headers["x-dfns-webhook-signature"] ?? ""));
    const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(body).digest("hex")}`);
    let ok = given.length === expected.length && timingSafeEqual(given, expected);
    if (ok) {
      const { timestampSent } = JSON.parse(body.toString()) as { timestampSent: number };
      ok = Math.abs(Date.now() / 1000 - timestampSent) < 300;
    }
    log.write(`${new Date().toISOString()} ${req.method} ${req.url} ${ok ? 200 : 401}\n`);
    res.statusCode = ok ? 200 : 401;
    res.end(ok ? "ok" : "bad signature");
  });
});

const server = secret === "bare" ? bare : verifying;
server.listen(Number(port), "127.0.0.1", () =>
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`),
);
process.on("SIGTERM", () => server.close(() => log.end(() => process.exit(0))));
