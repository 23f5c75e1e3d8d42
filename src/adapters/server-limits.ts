import { createServer, type RequestListener, type Server } from "node:http";

/** How long a connection may hold the server, and how many may: what a production server bounds. */
export interface ConnectionLimits {
  /**
   * A connection must have sent a complete request head within this long of opening (or of its
   * previous answer): one that sends nothing, or dribbles its headers, is answered 408 and closed.
   */
  readonly idleMs: number;
  /** The whole request (head and body) must have arrived within this long. */
  readonly requestMs: number;
  /** A kept-alive connection with no new request is closed after this long. */
  readonly keepAliveMs: number;
  /** Connections beyond this many are dropped as they open. */
  readonly maxConnections: number;
}

export const DEFAULT_LIMITS: ConnectionLimits = {
  idleMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 5_000,
  maxConnections: 1024,
};

/**
 * A node:http server with every connection bounded. Node enforces headersTimeout also on a
 * connection that never sends a byte, but only on its periodic sweep (every 30 s by default), so
 * 3,000 silent sockets stayed open for up to 40 s: the sweep runs at a quarter of `idleMs` here.
 */
export function boundedServer(
  limits: Partial<ConnectionLimits> | undefined,
  listener: RequestListener,
  options: { readonly maxHeaderSize?: number } = {},
): Server {
  const { idleMs, requestMs, keepAliveMs, maxConnections } = { ...DEFAULT_LIMITS, ...limits };
  const server = createServer(
    {
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(idleMs / 4))),
      headersTimeout: idleMs,
      // Node refuses a request timeout shorter than the headers timeout.
      requestTimeout: Math.max(requestMs, idleMs),
      ...(options.maxHeaderSize !== undefined ? { maxHeaderSize: options.maxHeaderSize } : {}),
    },
    listener,
  );
  server.keepAliveTimeout = keepAliveMs;
  server.maxConnections = maxConnections;
  return server;
}
