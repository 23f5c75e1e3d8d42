import { type IncomingMessage, type ServerResponse, STATUS_CODES } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { HeaderPair } from "../core/delivery.js";
import { boundedServer, type ConnectionLimits } from "./server-limits.js";

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

/** A request refused before any handler saw it (Node's parser gave up on it). */
export interface Refusal {
  readonly status: 400 | 431;
  /** Why, for a person: "header block over 65536 bytes". */
  readonly reason: string;
  readonly remote: string | null;
  readonly at: Date;
}

export interface ListenerOptions {
  readonly host: string;
  readonly port: number;
  readonly maxBody: number;
  readonly now: () => Date;
  /** Bound on the whole header block; over it the request is refused 431 (default 64 KiB). */
  readonly maxHeaderBytes?: number;
  /** Connection timeouts and cap (tests shorten them). */
  readonly limits?: Partial<ConnectionLimits>;
  /** Told of every request refused as unreadable, so a refusal is never silent. */
  readonly onRefused?: (refusal: Refusal) => void;
}

/**
 * Large enough for any provider's headers plus what proxies and tunnels add (Node's 16 KiB default
 * is not), still bounded so a huge header block is refused rather than buffered.
 */
export const DEFAULT_MAX_HEADER_BYTES = 64 * 1024;

export interface ListenerHandle {
  readonly url: string;
  readonly port: number;
  /** Stops accepting, waits for in-flight requests to be answered, then closes. Idempotent. */
  close(): Promise<void>;
}

/**
 * A node:http server that hands every request's raw bytes and ordered raw headers to `handle`,
 * and sends back what it answers. Silent, slow and idle connections are cut off (see boundedServer).
 */
export async function startListener(
  options: ListenerOptions,
  handle: (request: IncomingRequest) => Promise<Answer>,
): Promise<ListenerHandle> {
  const inFlight = new Set<Promise<void>>();
  const maxHeaderBytes = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  const server = boundedServer(
    options.limits,
    (req, res) => {
      const work = serve(req, res, options, handle);
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    },
    { maxHeaderSize: maxHeaderBytes },
  );
  // Node keeps only the first thousand or so headers (maxHeadersCount) and drops the rest without a
  // word, which lost a signature header sent after them: keep them all (maxHeaderSize bounds the bytes).
  server.maxHeadersCount = 0;
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) =>
    refuse(error, socket, maxHeaderBytes, options),
  );
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

/**
 * Answers what Node's parser could not read, as Node's default handler would, and reports the
 * refusals a sender would want to know about (not timeouts or resets: those are the client's doing).
 */
function refuse(
  error: NodeJS.ErrnoException,
  socket: Socket,
  maxHeaderBytes: number,
  options: ListenerOptions,
) {
  if (error.code === "ECONNRESET") {
    socket.destroy();
    return;
  }
  const status =
    error.code === "HPE_HEADER_OVERFLOW" ? 431 : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
  const answering = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !answering?.headersSent)
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
    );
  socket.destroySoon();
  if (status === 408) return;
  options.onRefused?.({
    status,
    reason:
      status === 431
        ? `header block over ${maxHeaderBytes} bytes`
        : `unreadable request (${error.code ?? error.message})`,
    remote: socket.remoteAddress ?? null,
    at: options.now(),
  });
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
