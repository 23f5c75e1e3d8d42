// Shared by the example handlers: a plain node:http server that reads the raw body (the bytes the
// provider signed) and hands it to a handler. Prints its URL on stdout once listening.
import { createServer } from "node:http";

export function serve(name, handle) {
  const server = createServer((req, res) => {
    const chunks = [];
    let size = 0;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > 1 << 20)
        req.destroy(); // a webhook is never this large
      else chunks.push(chunk);
    });
    req.on("end", async () => {
      try {
        const { status, text } = await handle(req, Buffer.concat(chunks));
        res.writeHead(status, { "content-type": "text/plain" }).end(`${text}\n`);
      } catch (error) {
        // Our own failure: 500 so the provider retries later instead of dropping the event.
        console.error(error);
        res.writeHead(500).end("internal error\n");
      }
    });
  });
  server.listen(Number(process.env.PORT ?? 3000), "127.0.0.1", () => {
    console.log(`${name} handler listening on http://127.0.0.1:${server.address().port}/webhooks`);
  });
  process.on("SIGTERM", () => server.close());
}

/** Remembers recent event ids: a duplicate is acknowledged (2xx) but not processed twice. */
export function dedupe(limit = 10_000) {
  const seen = new Set();
  return (id) => {
    if (seen.has(id)) return false;
    seen.add(id);
    if (seen.size > limit) seen.delete(seen.values().next().value);
    return true;
  };
}
