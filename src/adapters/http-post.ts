import type { HeaderPair } from "../core/delivery.js";
import type { PostResult } from "../core/post-result.js";

// The result is plain data in the core, so ui/ can render it without importing this adapter.
export type { PostResult } from "../core/post-result.js";

/** Headers the HTTP client owns for the new connection; copying them from a capture would corrupt the request. */
const CONNECTION_HEADERS = new Set([
  "host",
  "content-length",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "proxy-connection",
  "proxy-authorization",
  "expect",
]);

/** Errors that mean the request never reached anything that could answer it. */
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
]);

export function isConnectionHeader(name: string): boolean {
  return CONNECTION_HEADERS.has(name.toLowerCase());
}

/**
 * POSTs exact bytes with headers in the given order and case (undici sends them as given, unlike
 * fetch, which normalises). Never throws for network trouble: the result says what happened.
 */
export async function postRaw(
  url: string,
  headers: readonly HeaderPair[],
  body: Uint8Array,
  options: { timeoutMs?: number; method?: string } = {},
): Promise<PostResult> {
  const { request } = await import("undici");
  const flat: string[] = [];
  for (const [name, value] of headers) if (!isConnectionHeader(name)) flat.push(name, value);
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 10_000;
  try {
    const response = await request(url, {
      method: (options.method ?? "POST") as "POST",
      headers: flat,
      body: Buffer.from(body.buffer, body.byteOffset, body.byteLength),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      maxRedirections: 0,
    });
    const answer = Buffer.from(await response.body.arrayBuffer());
    const pairs: HeaderPair[] = Object.entries(response.headers).flatMap(([name, value]) =>
      Array.isArray(value)
        ? value.map((v): HeaderPair => [name, v])
        : [[name, String(value ?? "")] as HeaderPair],
    );
    return {
      status: response.statusCode,
      error: null,
      unreachable: false,
      timedOut: false,
      durationMs: Math.round(performance.now() - started),
      headers: pairs,
      body: answer,
    };
  } catch (error) {
    const code = (error as { code?: string }).code;
    const timedOut = code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT";
    const message = timedOut ? `no answer within ${timeoutMs} ms` : (code ?? (error as Error).message);
    return {
      status: null,
      error: message,
      unreachable: code !== undefined && UNREACHABLE.has(code),
      timedOut,
      durationMs: Math.round(performance.now() - started),
      headers: [],
      body: Buffer.alloc(0),
    };
  }
}
