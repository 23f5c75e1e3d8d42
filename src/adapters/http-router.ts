import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { refusal } from "./request-guard.js";
import { boundedServer, type ConnectionLimits } from "./server-limits.js";

/** A request as a loopback handler (an emulator, the key server) sees it: exact body bytes, parsed path parameters. */
export interface EmuRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly params: Readonly<Record<string, string>>;
}

export interface EmuResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Serialised as JSON unless a Buffer or string; omitted for an empty body. */
  readonly body?: unknown;
}

/** Thrown by handlers to answer with a status and a provider-shaped error body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

export type Handler = (req: EmuRequest) => EmuResponse | Promise<EmuResponse>;

export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly at: Date;
}

interface Route {
  readonly method: string;
  readonly parts: readonly string[];
  readonly handler: Handler;
}

/** Builds a provider-shaped error body for the router's own answers (404, 405, 413, 500). */
export type ErrorBody = (
  status: number,
  message: string,
  req: { readonly method: string; readonly path: string },
) => unknown;

/** Routes `METHOD /a/:param/b` patterns; answers its own errors in the provider's error shape. */
export class Router {
  readonly #routes: Route[] = [];

  constructor(readonly errorBody: ErrorBody) {}

  on(method: string, pattern: string, handler: Handler): this {
    this.#routes.push({ method: method.toUpperCase(), parts: pattern.split("/").filter(Boolean), handler });
    return this;
  }

  async handle(base: Omit<EmuRequest, "params">): Promise<EmuResponse> {
    const segments = base.path.split("/").filter(Boolean);
    let pathMatched = false;
    for (const route of this.#routes) {
      const params = matchPath(route.parts, segments);
      if (!params) continue;
      pathMatched = true;
      if (route.method !== base.method) continue;
      return route.handler({ ...base, params });
    }
    const status = pathMatched ? 405 : 404;
    return { status, body: this.errorBody(status, pathMatched ? "Method Not Allowed" : "Not Found", base) };
  }
}

function matchPath(
  parts: readonly string[],
  segments: readonly string[],
): Record<string, string> | undefined {
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of parts.entries()) {
    const segment = segments[i] ?? "";
    if (part.startsWith(":")) params[part.slice(1)] = decodeURIComponent(segment);
    else if (part !== segment) return undefined;
  }
  return params;
}

export interface ServerHandle {
  readonly url: string;
  readonly port: number;
  /** Every request answered, for tests and `emulate` logs. */
  readonly log: RequestLogEntry[];
  /** Idempotent. */
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;

class PayloadTooLarge extends Error {}

/**
 * Serves a router on loopback only (emulators never listen beyond this machine), with connections
 * bounded like the listener's and browser pages kept out (see request-guard).
 */
export async function serveRouter(
  router: Router,
  port = 0,
  limits?: Partial<ConnectionLimits>,
): Promise<ServerHandle> {
  const log: RequestLogEntry[] = [];
  let bound = 0;
  const server = boundedServer(limits, (req, res) => {
    void answer(router, req, res, log, bound);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  bound = address.port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    log,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function answer(
  router: Router,
  req: IncomingMessage,
  res: ServerResponse,
  log: RequestLogEntry[],
  port: number,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://emulator");
  let response: EmuResponse;
  try {
    const refused = refusal(req.method ?? "GET", url.pathname, req.headers, port);
    if (refused) {
      req.resume();
      throw new HttpError(
        refused.status,
        router.errorBody(refused.status, refused.message, { method: req.method ?? "", path: url.pathname }),
      );
    }
    const body = await readBody(req);
    response = await router.handle({
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
    });
  } catch (error) {
    const where = { method: req.method ?? "", path: url.pathname };
    response =
      error instanceof HttpError
        ? { status: error.status, headers: error.headers, body: error.body }
        : error instanceof PayloadTooLarge
          ? { status: 413, body: router.errorBody(413, "Payload Too Large", where) }
          : {
              status: 500,
              body: router.errorBody(500, `emulator error: ${(error as Error).message}`, where),
            };
  }
  log.push({ method: req.method ?? "", path: url.pathname, status: response.status, at: new Date() });
  const headers: Record<string, string> = { ...response.headers };
  let payload: Buffer | undefined;
  if (response.body !== undefined) {
    if (Buffer.isBuffer(response.body)) payload = response.body;
    else if (typeof response.body === "string") payload = Buffer.from(response.body);
    else {
      payload = Buffer.from(JSON.stringify(response.body));
      headers["content-type"] ??= "application/json";
    }
  }
  res.writeHead(response.status, headers);
  res.end(payload);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new PayloadTooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** JSON body of a request, or a 400 in the provider's shape. */
export function jsonBody(req: EmuRequest, badRequest: (message: string) => unknown): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(req.body.toString("utf8") || "null");
    if (typeof value === "object" && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // fall through to the 400 below
  }
  throw new HttpError(400, badRequest("request body must be a JSON object"));
}

/** Form-encoded body (OAuth token endpoints). */
export function formBody(req: EmuRequest): URLSearchParams {
  return new URLSearchParams(req.body.toString("utf8"));
}

/** HTTP Basic credentials, if given. */
export function basicAuth(req: EmuRequest): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return {
    id: decodeURIComponent(decoded.slice(0, colon)),
    secret: decodeURIComponent(decoded.slice(colon + 1)),
  };
}

/** The bearer token of a request, if any. */
export function bearer(req: EmuRequest): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
}
