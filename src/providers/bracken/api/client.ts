import {
  clientCredentialsTokens,
  envUrl,
  oauthMessage,
  redactSecrets,
} from "../../../api/client-credentials.js";
import { apiFailure, requireEnv } from "../../../api/errors.js";
import { ApiHttp, type ApiResponse } from "../../../api/http.js";
import type { TokenCache } from "../../../api/tokens.js";
import type { ApiContext } from "../../../api/types.js";
import { isRecord } from "../../../core/json-body.js";
import { configError } from "../../../errors.js";

/** providers.md, Bracken: the identity server and the API are two hosts. */
export const BRACKEN_IDENTITY_DEFAULT = "https://identity.brackenlearning.com";
export const BRACKEN_API_DEFAULT = "https://api.brackenlearning.com";

export interface BrackenClient {
  readonly domainKey: string;
  /** One authenticated call; an ApiError becomes exit 4 with Bracken's message and `hints`. */
  call(
    method: "PUT" | "POST",
    path: string,
    json: unknown,
    action: string,
    hints?: Partial<Record<number, string>>,
    /** Values sent in `json` that must not reach an error message (webhook secret, password). */
    hide?: readonly string[],
  ): Promise<ApiResponse>;
}

const UNAUTHORISED =
  "Bracken refused the access token even after renewing it: check that BRACKEN_CLIENT_ID is allowed to use the API for this domain";

/** Credentials and base URLs from ctx.env (exit 3 naming what is missing), and a token cache. */
export function brackenClient(ctx: ApiContext, what: string): BrackenClient {
  const env = requireEnv(ctx.env, ["BRACKEN_CLIENT_ID", "BRACKEN_CLIENT_SECRET", "BRACKEN_DOMAIN_KEY"], what);
  const domainKey = (env.BRACKEN_DOMAIN_KEY ?? "").trim();
  // The routes are `{domainkey:int}` (seed 003: "domainkey is an integer").
  if (!/^\d+$/.test(domainKey))
    throw configError(
      `BRACKEN_DOMAIN_KEY must be an integer (your Bracken domain key), got "${domainKey}"`,
      "set BRACKEN_DOMAIN_KEY to the number Bracken gave you with the client id",
    );
  const clientSecret = env.BRACKEN_CLIENT_SECRET ?? "";
  const tokens: TokenCache = clientCredentialsTokens({
    name: "Bracken",
    baseUrl: envUrl(ctx.env, "BRACKEN_IDENTITY_URL", BRACKEN_IDENTITY_DEFAULT),
    tokenPath: "/connect/token",
    clientId: env.BRACKEN_CLIENT_ID ?? "",
    clientSecret,
    idVar: "BRACKEN_CLIENT_ID",
    secretVar: "BRACKEN_CLIENT_SECRET",
    // The API (ASP.NET JwtBearer) answers an expired token with 401, an empty body and the reason only
    // in WWW-Authenticate, which ApiError does not keep: any 401 is taken as "renew once".
    isExpired: (error) => error.status === 401,
    now: () => ctx.now(),
    env: ctx.env,
  });
  const http = new ApiHttp({
    name: "Bracken",
    baseUrl: envUrl(ctx.env, "BRACKEN_API_URL", BRACKEN_API_DEFAULT),
    env: ctx.env,
    errorMessage: brackenMessage,
  });
  return {
    domainKey,
    async call(method, path, json, action, hints = {}, hide = []) {
      try {
        return await tokens.with((token) =>
          http.request(method, path, { json, headers: { authorization: `Bearer ${token}` } }),
        );
      } catch (error) {
        throw redactSecrets(apiFailure("Bracken", action, error, { 401: UNAUTHORISED, ...hints }), [
          clientSecret,
          ...hide,
        ]);
      }
    },
  };
}

/**
 * Bracken's own words from an error body: ASP.NET Core ProblemDetails (`detail` or `title`, and the
 * per-field `errors` of a validation failure), or the token endpoint's RFC 6749 `error`. INFERRED:
 * Bracken documents no error bodies (see emulator/problem.ts).
 */
export function brackenMessage(body: unknown): string | undefined {
  // ASP.NET's 401 and unmatched routes carry no body at all.
  if (body === "") return "(empty body)";
  const oauth = oauthMessage(body);
  if (oauth !== undefined || !isRecord(body)) return oauth;
  const parts: string[] = [];
  const head =
    typeof body.detail === "string" ? body.detail : typeof body.title === "string" ? body.title : "";
  if (head) parts.push(head);
  if (isRecord(body.errors))
    for (const [field, messages] of Object.entries(body.errors))
      parts.push(`${field}: ${Array.isArray(messages) ? messages.join(" ") : String(messages)}`);
  return parts.length > 0 ? parts.join("; ") : undefined;
}
