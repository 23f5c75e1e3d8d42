import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { boundedServer } from "./server-limits.js";

export interface PageRequest {
  readonly method: string;
  /** Path and query as sent. */
  readonly url: string;
  /** Lower-cased names, as node gives them. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Buffer;
}

export interface StreamSink {
  write(frame: string): void;
  end(): void;
}

export type PageReply =
  | {
      readonly status: number;
      readonly headers: Readonly<Record<string, string>>;
      readonly body: string | Buffer;
    }
  | {
      readonly status: number;
      readonly headers: Readonly<Record<string, string>>;
      /** A long-lived answer (Server-Sent Events): `open` gets the sink and returns what to do when it closes. */
      readonly stream: (sink: StreamSink) => () => void;
    };

export interface PageServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Requests to the inspector are small JSON; anything bigger is refused unread. */
const MAX_REQUEST_BYTES = 64 * 1024;
/** How many ports after a taken default are tried before any free one is taken. */
const NEXT_FREE_TRIES = 10;

/**
 * Serves the inspector on 127.0.0.1 only (never another interface: it shows captured payloads).
 * `port` 0 takes any free port; with `nextFree`, a taken port moves on to the next ones, then any.
 */
export async function servePage(
  handle: (request: PageRequest) => Promise<PageReply>,
  options: { readonly port: number; readonly nextFree: boolean },
): Promise<PageServer> {
  const streams = new Set<ServerResponse>();
  const server = boundedServer({}, (req, res) => {
    void answer(req, res, handle, streams);
  });
  const candidates = options.nextFree
    ? [...Array.from({ length: NEXT_FREE_TRIES }, (_, i) => options.port + i), 0]
    : [options.port];
  let lastError: unknown;
  for (const port of candidates) {
    if (port > 65535) continue;
    try {
      await listen(server, port);
      lastError = undefined;
      break;
    } catch (error) {
      lastError = error;
      if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") break;
    }
  }
  if (lastError !== undefined) throw lastError;
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        for (const res of streams) res.end();
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return closing;
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: Error) => reject(error);
    server.once("error", failed);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", failed);
      resolve();
    });
  });
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  handle: (request: PageRequest) => Promise<PageReply>,
  streams: Set<ServerResponse>,
): Promise<void> {
  try {
    const body = await readBody(req);
    if (body === null) {
      res
        .writeHead(413, { "content-type": "text/plain; charset=utf-8", connection: "close" })
        .end("too large\n");
      return;
    }
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(req.headers))
      headers[name] = Array.isArray(value) ? value.join(", ") : value;
    const reply = await handle({ method: req.method ?? "GET", url: req.url ?? "/", headers, body });
    if ("stream" in reply) {
      res.writeHead(reply.status, reply.headers);
      res.flushHeaders();
      streams.add(res);
      const closed = reply.stream({ write: (frame) => res.write(frame), end: () => res.end() });
      res.on("close", () => {
        streams.delete(res);
        closed();
      });
      return;
    }
    res.writeHead(reply.status, reply.headers).end(reply.body);
  } catch (error) {
    if (!res.headersSent)
      res
        .writeHead(500, { "content-type": "text/plain; charset=utf-8" })
        .end(`inspector error: ${(error as Error).message}\n`);
    else res.destroy();
  }
}

/** The request body, or null when it is over the limit (not read further). */
function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        req.removeAllListeners("data");
        req.resume();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
