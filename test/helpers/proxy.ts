// A small forward HTTP proxy on loopback that counts what passes through it: absolute-form requests
// (what a client sends a proxy for an http:// target) are forwarded, CONNECT is tunnelled.
import { createServer, request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";

export interface CountingProxy {
  /** e.g. http://127.0.0.1:PORT, the value for HTTP_PROXY / HTTPS_PROXY. */
  readonly url: string;
  /** "METHOD absolute-url" (or "CONNECT host:port") per request seen, in order. */
  readonly seen: string[];
  close(): Promise<void>;
}

export async function startCountingProxy(): Promise<CountingProxy> {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const target = req.url ?? "";
    seen.push(`${req.method} ${target}`);
    if (!/^https?:\/\//.test(target)) {
      res.writeHead(400).end("not a proxy request (origin-form)");
      return;
    }
    const upstream = httpRequest(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.writeHead(502).end("upstream failed"));
    req.pipe(upstream);
  });
  server.on("connect", (req, client: Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? "").split(":");
    const upstream = connect(Number(port), host ?? "", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy has no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
