import type { Dispatcher } from "undici";
import { proxyDispatcher } from "./proxy.js";

export type HttpMethod = Dispatcher.HttpMethod;

export interface RawResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
}

/**
 * One HTTP request over undici, through the proxy the command's env names (adapters/proxy.ts),
 * with a timeout on the answer's headers and on its body. Throws undici's error when there is no
 * answer; retrying and reading the answer are the caller's (api/http.ts).
 */
export async function httpRequest(
  url: URL,
  init: {
    readonly method: HttpMethod;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: string | null;
    readonly timeoutMs: number;
    readonly env: Readonly<Record<string, string | undefined>>;
  },
): Promise<RawResponse> {
  const [{ request }, dispatcher] = await Promise.all([import("undici"), proxyDispatcher(init.env)]);
  const response = await request(url, {
    method: init.method,
    headers: { ...init.headers },
    body: init.body,
    headersTimeout: init.timeoutMs,
    bodyTimeout: init.timeoutMs,
    ...(dispatcher === undefined ? {} : { dispatcher }),
  });
  const headers = Object.fromEntries(
    Object.entries(response.headers).map(([k, v]) => [
      k.toLowerCase(),
      Array.isArray(v) ? v.join(", ") : String(v ?? ""),
    ]),
  );
  return { status: response.statusCode, headers, text: await response.body.text() };
}
