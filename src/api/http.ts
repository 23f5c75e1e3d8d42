import { type HttpMethod, httpRequest } from "../adapters/http-request.js";
import { networkError } from "../errors.js";

export interface ApiResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON when the body is JSON, else the text ("" when empty). */
  readonly body: unknown;
}

export interface RequestOptions {
  readonly json?: unknown;
  readonly form?: Readonly<Record<string, string>>;
  /** Exact JSON text to send (e.g. Dfns user actions sign the exact string sent). */
  readonly rawJson?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Statuses that are answers, not errors (default: 2xx). */
  readonly accept?: (status: number) => boolean;
}

export interface ApiHttpOptions {
  /** Provider name for messages, e.g. "Dfns". */
  readonly name: string;
  readonly baseUrl: string;
  /** The command's env: HTTPS_PROXY / HTTP_PROXY / NO_PROXY route the calls (adapters/proxy.ts). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Pulls the provider's own error message out of an error body. */
  readonly errorMessage: (body: unknown) => string | undefined;
  readonly timeoutMs?: number;
  /** Attempts for network errors and 5xx (never 4xx). */
  readonly attempts?: number;
  readonly backoffMs?: number;
}

/** An HTTP error answered by the provider, kept so callers can branch on status (e.g. renew a token). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly providerMessage: string,
    readonly body: unknown,
  ) {
    super(providerMessage);
  }
}

/**
 * The provider API over undici: timeouts, retries with backoff on network errors and 5xx (never
 * on 4xx), and the provider's own error message kept for the user.
 */
export class ApiHttp {
  constructor(readonly options: ApiHttpOptions) {}

  async request(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    // `path` is appended to the base (which may carry a path prefix), or used as is when absolute (a Location).
    const url = new URL(
      /^https?:\/\//.test(path) ? path : `${this.options.baseUrl.replace(/\/+$/, "")}${path}`,
    );
    const headers: Record<string, string> = {
      accept: "application/json",
      "user-agent": "whtool",
      ...options.headers,
    };
    let body: string | undefined;
    if (options.rawJson !== undefined) {
      body = options.rawJson;
      headers["content-type"] = "application/json";
    } else if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers["content-type"] = "application/json";
    } else if (options.form !== undefined) {
      body = new URLSearchParams(options.form as Record<string, string>).toString();
      headers["content-type"] = "application/x-www-form-urlencoded";
    }
    const attempts = this.options.attempts ?? 3;
    const timeout = this.options.timeoutMs ?? 15_000;
    for (let attempt = 1; ; attempt++) {
      let status: number;
      let responseHeaders: Record<string, string>;
      let text: string;
      try {
        ({
          status,
          headers: responseHeaders,
          text,
        } = await httpRequest(url, {
          method,
          headers,
          body: body ?? null,
          timeoutMs: timeout,
          env: this.options.env,
        }));
      } catch (error) {
        if (attempt < attempts) {
          await this.#pause(attempt);
          continue;
        }
        throw networkError(
          `${this.options.name} API at ${url.origin}: ${networkProblem(error, timeout)}`,
          `check the base URL and your network (${attempts} attempts made)`,
        );
      }
      if (status >= 500 && attempt < attempts) {
        await this.#pause(attempt);
        continue;
      }
      const parsed = parseBody(text, responseHeaders["content-type"]);
      if ((options.accept ?? is2xx)(status)) return { status, headers: responseHeaders, body: parsed };
      throw new ApiError(
        status,
        this.options.errorMessage(parsed) ?? (text.slice(0, 200) || `HTTP ${status}`),
        parsed,
      );
    }
  }

  #pause(attempt: number): Promise<void> {
    const ms = (this.options.backoffMs ?? 250) * 2 ** (attempt - 1);
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}

const is2xx = (status: number) => status >= 200 && status < 300;

/** A network failure in words ("no answer in 15 s"), with undici's code kept for searching. */
export function networkProblem(error: unknown, timeoutMs: number): string {
  const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
  const wait = timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`;
  const words: Record<string, string> = {
    UND_ERR_HEADERS_TIMEOUT: `no answer in ${wait}`,
    UND_ERR_BODY_TIMEOUT: `the answer stalled for ${wait}`,
    UND_ERR_CONNECT_TIMEOUT: "could not connect in time",
    ECONNREFUSED: "connection refused (nothing listens there)",
    ECONNRESET: "the connection was reset",
    ENOTFOUND: "host not found",
    EAI_AGAIN: "host name lookup failed (DNS)",
    UND_ERR_SOCKET: "the connection closed before an answer",
  };
  const said = code === undefined ? undefined : words[code];
  if (said !== undefined) return `${said} (${code})`;
  return code ?? (error as Error).message;
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === "") return "";
  if (contentType?.includes("json") || /^[[{]/.test(text.trim())) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
