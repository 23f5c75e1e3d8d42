import {
  clientCredentialsTokens,
  envUrl,
  oauthMessage,
  redactSecrets,
} from "../../../api/client-credentials.js";
import { apiFailure, requireEnv } from "../../../api/errors.js";
import { ApiHttp, type ApiResponse } from "../../../api/http.js";
import type { ApiContext } from "../../../api/types.js";
import { isRecord } from "../../../core/json-body.js";
import { KOPOKOPO_SANDBOX_URL } from "../samples.js";

export interface KopoKopoClient {
  readonly baseUrl: string;
  /** An authenticated call; throws ApiError as it comes (callers branch on 404 for v2 → v1). */
  request(method: "GET" | "POST", path: string, json?: unknown): Promise<ApiResponse>;
  /** An error as the user sees it: exit 4 with Kopo Kopo's message and a next step; no secret in it. */
  failure(action: string, error: unknown, hints?: Partial<Record<number, string>>): unknown;
}

export const kopokopoBaseUrl = (ctx: ApiContext) => envUrl(ctx.env, "KOPOKOPO_API_URL", KOPOKOPO_SANDBOX_URL);

/** Credentials from ctx.env (exit 3 naming what is missing) and a token cache (providers.md: POST /oauth/token). */
export function kopokopoClient(ctx: ApiContext, what: string): KopoKopoClient {
  const env = requireEnv(ctx.env, ["KOPOKOPO_CLIENT_ID", "KOPOKOPO_CLIENT_SECRET"], what);
  const baseUrl = kopokopoBaseUrl(ctx);
  const clientSecret = env.KOPOKOPO_CLIENT_SECRET ?? "";
  const tokens = clientCredentialsTokens({
    name: "Kopo Kopo",
    baseUrl,
    tokenPath: "/oauth/token",
    clientId: env.KOPOKOPO_CLIENT_ID ?? "",
    clientSecret,
    idVar: "KOPOKOPO_CLIENT_ID",
    secretVar: "KOPOKOPO_CLIENT_SECRET",
    // Developer guide, "Using an access token": 401 with InvalidAccessToken or ExpiredAccessToken;
    // only the second is worth a new token.
    isExpired: (error) => error.status === 401 && error.providerMessage.includes("ExpiredAccessToken"),
    now: () => ctx.now(),
    env: ctx.env,
  });
  const http = new ApiHttp({ name: "Kopo Kopo", baseUrl, env: ctx.env, errorMessage: kopokopoMessage });
  return {
    baseUrl,
    request: (method, path, json) =>
      tokens.with((token) =>
        http.request(method, path, {
          ...(json === undefined ? {} : { json }),
          headers: { authorization: `Bearer ${token}` },
        }),
      ),
    failure: (action, error, hints = {}) =>
      redactSecrets(
        apiFailure("Kopo Kopo", action, error, {
          401: "Kopo Kopo refused the access token: check KOPOKOPO_CLIENT_ID and KOPOKOPO_CLIENT_SECRET (sandbox credentials work only on the sandbox)",
          ...hints,
        }),
        [clientSecret],
      ),
  };
}

/**
 * `{"error_code","error_message"}` — what the official SDKs read (k2-connect-ruby http_client.rb,
 * the Flutter SDK's error fixture) — or the token endpoint's RFC 6749 body.
 */
export function kopokopoMessage(body: unknown): string | undefined {
  if (isRecord(body) && typeof body.error_message === "string") return body.error_message;
  return oauthMessage(body);
}
