import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
}

export interface JsonServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Replace what a path answers. */
  set(path: string, status: number, body: unknown): void;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 answering JSON by path (JWKS, OIDC discovery…), recording every request. */
export async function serveJson(routes: Record<string, unknown> = {}): Promise<JsonServer> {
  const table = new Map<string, { status: number; body: unknown }>(
    Object.entries(routes).map(([path, body]) => [path, { status: 200, body }]),
  );
  const requests: RecordedRequest[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    requests.push({ method: req.method ?? "", url: req.url ?? "" });
    const route = table.get((req.url ?? "").split("?")[0] ?? "");
    if (!route) {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
      return;
    }
    res.writeHead(route.status, { "content-type": "application/json" }).end(JSON.stringify(route.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    set: (path, status, body) => table.set(path, { status, body }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
