import type { HttpMethod } from "../../../adapters/http-request.js";
import { requireEnv } from "../../../api/errors.js";
import { ApiError, ApiHttp, type ApiResponse, type RequestOptions } from "../../../api/http.js";
import { TokenCache } from "../../../api/tokens.js";
import type { ApiContext } from "../../../api/types.js";
import { sha256 } from "../../../core/bytes.js";
import { networkError } from "../../../errors.js";
import { MONEYKIT_DEFAULT_API_URL } from "../info.js";

/** providers.md: MoneyKit's SDKs pin this API version on every call. */
export const MONEYKIT_VERSION = "2023-02-18";
export const MONEYKIT_CREDENTIAL_VARS = ["MONEYKIT_CLIENT_ID", "MONEYKIT_CLIENT_SECRET"] as const;

/** A 429, kept with its Retry-After (ApiError keeps no headers) so the hint can say when to retry. */
export class MoneyKitRateLimit extends ApiError {
  constructor(
    providerMessage: string,
    body: unknown,
    readonly retryAfterS: number | undefined,
  ) {
    super(429, providerMessage, body);
  }
}

/** `error_code` of a MoneyKit error body (`{"error_code","error_message","documentation_url"}`). */
export function errorCode(body: unknown): string | undefined {
  const code = (body as { error_code?: unknown } | null)?.error_code;
  return typeof code === "string" ? code : undefined;
}

/**
 * MoneyKit's own words for an error: `error_message (error_code)`; request validation errors from its
 * FastAPI front may instead come as `{"detail":[{"msg"}]}` (the SDKs' HTTPValidationError).
 */
export function moneykitErrorMessage(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const { error_message: message, detail } = body as { error_message?: unknown; detail?: unknown };
  const code = errorCode(body);
  if (typeof message === "string") return code === undefined ? message : `${message} (${code})`;
  if (Array.isArray(detail)) {
    const parts = detail
      .map((d) => (d as { msg?: unknown } | null)?.msg)
      .filter((m) => typeof m === "string");
    if (parts.length > 0) return parts.join("; ");
  }
  return undefined;
}

interface SharedSession {
  readonly http: ApiHttp;
  readonly tokens: TokenCache;
  /** The clock of the latest caller: the session outlives one ApiContext. */
  clock: () => Date;
}

/**
 * One token per (API, client) for the life of the process, so `register` then `trigger` in one run
 * (smoke, demo, listen --register) share it and an expired one is renewed once rather than refetched
 * on every call. Keyed by a hash of the secret: a changed secret is a new client.
 */
const sessions = new Map<string, SharedSession>();

function sessionFor(ctx: ApiContext, baseUrl: string, clientId: string, clientSecret: string): SharedSession {
  const key = `${baseUrl}\n${clientId}\n${sha256(clientSecret).toString("hex")}`;
  let session = sessions.get(key);
  if (!session) {
    const http = new ApiHttp({ name: "MoneyKit", baseUrl, env: ctx.env, errorMessage: moneykitErrorMessage });
    const created: SharedSession = {
      http,
      clock: ctx.now,
      tokens: new TokenCache(
        () => fetchToken(http, clientId, clientSecret, () => created.clock()),
        () => created.clock(),
        (error) => error.status === 401 && errorCode(error.body) === "api_error.auth.expired_access_token",
      ),
    };
    session = created;
    sessions.set(key, session);
  }
  session.clock = ctx.now;
  return session;
}

/** MoneyKit's API for one command: credentials from ctx.env, bearer token cached and renewed once. */
export class MoneyKitClient {
  readonly #session: SharedSession;
  readonly #secret: string;

  private constructor(
    readonly baseUrl: string,
    session: SharedSession,
    secret: string,
  ) {
    this.#session = session;
    this.#secret = secret;
  }

  /** Exit 3 naming MONEYKIT_CLIENT_ID / MONEYKIT_CLIENT_SECRET when either is missing. */
  static for(ctx: ApiContext): MoneyKitClient {
    const creds = requireEnv(ctx.env, MONEYKIT_CREDENTIAL_VARS, "the MoneyKit API (register, trigger)");
    const id = creds.MONEYKIT_CLIENT_ID ?? "";
    const secret = creds.MONEYKIT_CLIENT_SECRET ?? "";
    const baseUrl = (ctx.env.MONEYKIT_API_URL || MONEYKIT_DEFAULT_API_URL).replace(/\/+$/, "");
    return new MoneyKitClient(baseUrl, sessionFor(ctx, baseUrl, id, secret), secret);
  }

  /** Where MoneyKit publishes the keys it signs webhooks with (listen/verify fetch them from here). */
  get jwksUrl(): string {
    return `${this.baseUrl}/.well-known/jwks.json`;
  }

  /** An authenticated call; an expired token is renewed once (TokenCache.with). */
  call(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    return this.#session.tokens.with((token) =>
      send(this.#session.http, method, path, {
        ...options,
        headers: { ...options.headers, authorization: `Bearer ${token}` },
      }),
    );
  }

  /** Removes the client secret from text that might echo it (a provider's error message). */
  redact(text: string): string {
    return this.#secret.length > 0 ? text.replaceAll(this.#secret, "[redacted]") : text;
  }
}

/** Every request carries MoneyKit-Version; a 429 becomes a MoneyKitRateLimit with its Retry-After. */
async function send(
  http: ApiHttp,
  method: HttpMethod,
  path: string,
  options: RequestOptions,
): Promise<ApiResponse> {
  const response = await http.request(method, path, {
    ...options,
    headers: { ...options.headers, "moneykit-version": MONEYKIT_VERSION },
    accept: (status) => (status >= 200 && status < 300) || status === 429,
  });
  if (response.status !== 429) return response;
  const retryAfter = Number.parseInt(response.headers["retry-after"] ?? "", 10);
  throw new MoneyKitRateLimit(
    moneykitErrorMessage(response.body) ?? "rate limit exceeded",
    response.body,
    Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined,
  );
}

/** providers.md: form-encoded client credentials → 201 `{access_token, token_type, expires_in}`. */
async function fetchToken(http: ApiHttp, clientId: string, clientSecret: string, now: () => Date) {
  const response = await send(http, "POST", "/auth/token", {
    form: { grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret },
  });
  const body = response.body as { access_token?: unknown; expires_in?: unknown } | null;
  const value = body?.access_token;
  if (typeof value !== "string" || value === "")
    throw networkError(
      `MoneyKit token request answered HTTP ${response.status} without an access_token`,
      `check MONEYKIT_API_URL (${http.options.baseUrl}): it should be MoneyKit's API or whtool's emulator`,
    );
  const expiresIn = typeof body?.expires_in === "number" && body.expires_in > 0 ? body.expires_in : 3600;
  return { value, expiresAt: now().getTime() + expiresIn * 1000 };
}
