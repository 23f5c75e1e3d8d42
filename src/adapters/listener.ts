import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { HeaderPair } from "../core/delivery.js";

/** A request as read off the socket: exact bytes (or only its size, when over the limit). */
export interface IncomingRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: readonly HeaderPair[];
  readonly body: Buffer;
  /** Set when the body exceeded maxBody: `body` is empty and this holds the bytes seen. */
  readonly oversizeBytes: number | null;
  readonly remote: string | null;
  readonly receivedAt: Date;
}

export interface Answer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

export interface ListenerOptions {
  readonly host: string;
  readonly port: number;
  readonly maxBody: number;
  readonly now: () => Date;
}

export interface ListenerHandle {
  readonly url: string;
  readonly port: number;
  /** Stops accepting, waits for in-flight requests to be answered, then closes. Idempotent. */
  close(): Promise<void>;
}

/**
 * A node:http server that hands every request's raw bytes and ordered raw headers to `handle`,
 * and sends back what it answers. Slow clients are cut off by header and request timeouts.
 */
export async function startListener(
  options: ListenerOptions,
  handle: (request: IncomingRequest) => Promise<Answer>,
): Promise<ListenerHandle> {
  const inFlight = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const work = serve(req, res, options, handle);
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`,
    port,
    close: () => {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await Promise.allSettled([...inFlight]);
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  options: ListenerOptions,
  handle: (request: IncomingRequest) => Promise<Answer>,
): Promise<void> {
  const receivedAt = options.now();
  const headers: HeaderPair[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
    headers.push([req.rawHeaders[i] ?? "", req.rawHeaders[i + 1] ?? ""]);
  let answer: Answer;
  try {
    const { body, oversizeBytes } = await readLimited(req, options.maxBody);
    answer = await handle({
      method: req.method ?? "GET",
      path: req.url ?? "/",
      headers,
      body,
      oversizeBytes,
      remote: req.socket.remoteAddress ?? null,
      receivedAt,
    });
  } catch (error) {
    // The handler records deliveries before answering; reaching here means the request itself broke.
    answer = { status: 400, body: `whtool: could not read the request (${(error as Error).message})\n` };
  }
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(answer.status, { "content-type": "text/plain; charset=utf-8", ...answer.headers });
  res.end(answer.body ?? "");
}

/** Reads the body up to `limit` bytes; beyond it, keeps counting (to report the size) but stores nothing. */
function readLimited(
  req: IncomingMessage,
  limit: number,
): Promise<{ body: Buffer; oversizeBytes: number | null }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
      // Do not read a body we are going to refuse: answer 413 as soon as the headers say so.
      req.resume();
      resolve({ body: Buffer.alloc(0), oversizeBytes: declared });
      return;
    }
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on("end", () =>
      resolve(
        size > limit
          ? { body: Buffer.alloc(0), oversizeBytes: size }
          : { body: Buffer.concat(chunks), oversizeBytes: null },
      ),
    );
    req.on("error", reject);
    req.on("aborted", () => reject(new Error("client aborted the request")));
  });
}
