import { createServer, type IncomingHttpHeaders, request } from "node:http";
import type { AddressInfo } from "node:net";
import { after } from "node:test";
import express from "express";

/** Where a relay sends what it received, and how it rewrites it on the way. */
type Rewrite = (body: Buffer, headers: IncomingHttpHeaders) => { body: Buffer; headers: IncomingHttpHeaders };

function forward(target: string, body: Buffer, headers: IncomingHttpHeaders): Promise<number> {
  // The body may have changed length: framing headers are the relay's own.
  const {
    host: _host,
    "content-length": _length,
    "transfer-encoding": _encoding,
    connection: _connection,
    ...rest
  } = headers;
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      { method: "POST", headers: { ...rest, "content-length": body.length } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * A loopback proxy built on node:http that rewrites each request and forwards it. Forwarding
 * `req.headers` is itself a real mistake: node joins duplicate headers with ", ".
 */
export async function startProxy(target: string, rewrite: Rewrite): Promise<string> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const out = rewrite(Buffer.concat(chunks), req.headers);
      forward(target, out.body, out.headers).then(
        (status) => res.writeHead(status).end(),
        () => res.writeHead(502).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

/** An Express app that parses with express.json() and forwards JSON.stringify(req.body): the classic re-serialising relay. */
export async function startExpressRelay(target: string): Promise<string> {
  const app = express();
  app.post("/hook", express.json(), (req, res) => {
    const headers = { ...req.headers };
    forward(target, Buffer.from(JSON.stringify(req.body)), headers).then(
      (status) => res.status(status).end(),
      () => res.status(502).end(),
    );
  });
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}
