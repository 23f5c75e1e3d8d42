import { createHash } from "node:crypto";
import { isRecord } from "../core/json-body.js";
import { configError, networkError, usageError, WhtoolError } from "../errors.js";
import { apiFailure } from "./errors.js";
import { type ApiError, ApiHttp } from "./http.js";
import { type Token, TokenCache } from "./tokens.js";

/**
 * The OAuth 2.0 client-credentials grant (RFC 6749 §4.4) as Bracken (IdentityServer,
 * `POST /connect/token`) and Kopo Kopo (Doorkeeper, `POST /oauth/token`) serve it — providers.md:
 * form-encoded `grant_type=client_credentials&client_id=..&client_secret=..` →
 * `{"access_token","expires_in",…}` — plus the small helpers both clients (and PointServices) share.
 */

export interface ClientCredentialsOptions {
  /** Provider name for messages, e.g. "Bracken". */
  readonly name: string;
  /** Origin (and path prefix) of the token endpoint. */
  readonly baseUrl: string;
  /** e.g. "/connect/token". */
  readonly tokenPath: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The env vars holding them, named in hints. */
  readonly idVar: string;
  readonly secretVar: string;
  /** Whether an API answer means "this access token is no longer accepted": renew once and retry. */
  readonly isExpired: (error: ApiError) => boolean;
  readonly now: () => Date;
  /** The command's env, for the proxy variables (adapters/proxy.ts). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

interface Cached {
  readonly cache: TokenCache;
  /** The clock of the latest caller (the cache outlives one command's context). */
  now: () => Date;
}

/**
 * Tokens cached per process, keyed by token URL, client id and a hash of the secret (never the secret
 * itself): `register` then `trigger` in one run (smoke, demo) reuse one token until it expires.
 */
const CACHES = new Map<string, Cached>();

export function clientCredentialsTokens(options: ClientCredentialsOptions): TokenCache {
  const tokenUrl = `${options.baseUrl.replace(/\/+$/, "")}${options.tokenPath}`;
  const key = [tokenUrl, options.clientId, sha256(options.clientSecret)].join("\n");
  const existing = CACHES.get(key);
  if (existing) {
    existing.now = options.now;
    return existing.cache;
  }
  const http = new ApiHttp({
    name: options.name,
    baseUrl: options.baseUrl,
    env: options.env,
    errorMessage: oauthMessage,
  });
  const entry: Cached = {
    now: options.now,
    cache: new TokenCache(
      () => fetchToken(http, options, () => entry.now()),
      () => entry.now(),
      options.isExpired,
    ),
  };
  CACHES.set(key, entry);
  return entry.cache;
}

async function fetchToken(http: ApiHttp, o: ClientCredentialsOptions, now: () => Date): Promise<Token> {
  const credentials = `${o.idVar} and ${o.secretVar}`;
  let body: unknown;
  try {
    ({ body } = await http.request("POST", o.tokenPath, {
      form: { grant_type: "client_credentials", client_id: o.clientId, client_secret: o.clientSecret },
    }));
  } catch (error) {
    // IdentityServer answers a bad client with 400 invalid_client, Doorkeeper with 401 (RFC 6749 §5.2).
    const refused = `${o.name} refused the client credentials: check ${credentials} (and that they are for this environment)`;
    throw redactSecrets(
      apiFailure(o.name, "token request", error, {
        400: refused,
        401: refused,
        404: `no token endpoint at ${o.tokenPath}: check the ${o.name} base URL`,
      }),
      [o.clientSecret],
    );
  }
  const token = isRecord(body) ? body.access_token : undefined;
  if (typeof token !== "string" || token === "")
    throw networkError(`${o.name} token request answered without an access_token`, "check the base URL");
  const expiresIn = isRecord(body) && typeof body.expires_in === "number" ? body.expires_in : 3600;
  return { value: token, expiresAt: now().getTime() + expiresIn * 1000 };
}

/** RFC 6749 §5.2 `{"error","error_description"}`, as both token endpoints answer. */
export function oauthMessage(body: unknown): string | undefined {
  if (!isRecord(body) || typeof body.error !== "string") return undefined;
  return typeof body.error_description === "string" ? `${body.error}: ${body.error_description}` : body.error;
}

/**
 * The error with every secret value cut out of its message and hint. Providers do not echo client
 * secrets, but an error body whtool did not expect is quoted raw: this keeps the rule "secrets never
 * appear in output" independent of what a server answers.
 */
export function redactSecrets(error: unknown, secrets: readonly string[]): unknown {
  if (!(error instanceof WhtoolError)) return error;
  const cut = (text: string) =>
    secrets.reduce((out, secret) => (secret.length >= 4 ? out.split(secret).join("[redacted]") : out), text);
  const message = cut(error.message);
  const hint = error.hint === undefined ? undefined : cut(error.hint);
  if (message === error.message && hint === error.hint) return error;
  return new WhtoolError(error.code, message, error.exitCode, hint);
}

/** A base URL from the environment (or the provider's real one), refused early when it is not http(s). */
export function envUrl(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  fallback: string,
): string {
  const value = env[name]?.trim() || fallback;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw configError(`${name} is not a URL: "${value}"`, `set ${name} to an http(s) base URL, or unset it`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw configError(`${name} must be an http(s) URL, got "${value}"`, `set ${name} to an http(s) base URL`);
  return value.replace(/\/+$/, "");
}

/** Whether a URL points at this machine (the emulators bind loopback only). */
export function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
    return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** A webhook target given on the command line: an absolute http(s) URL, else a usage error naming the flag. */
export function requireHttpUrl(value: string | undefined, flag: string, what: string): string {
  if (value === undefined || value.trim() === "")
    throw usageError(
      `${what} needs ${flag} URL`,
      `pass ${flag} https://… (the public URL of whtool listen or your app)`,
    );
  try {
    const url = new URL(value.trim());
    // The target as typed: providers store the string, so whtool does not normalise it.
    if (url.protocol === "https:" || url.protocol === "http:") return value.trim();
  } catch {
    // reported below
  }
  throw usageError(
    `${flag} must be an absolute http(s) URL, got "${value}"`,
    `e.g. ${flag} https://example.ngrok.app/webhooks`,
  );
}
