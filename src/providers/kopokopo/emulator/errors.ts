import { bearerState, type TokenErrorCode } from "../../../emulators/oauth-client-credentials.js";
import { type EmuRequest, HttpError } from "../../../emulators/router.js";
import type { TokenStore } from "../../../emulators/tokens.js";

/**
 * Kopo Kopo's error answers.
 * - API errors: `{"error_code":<status>,"error_message":"…"}` — the shape of the official Flutter
 *   SDK's fixture (k2-connect-flutter test/services/stk/request_payment_error.json) and what the
 *   Ruby SDK reads (`error_message`, lib/k2-connect-ruby/http_client.rb). Messages are inferred.
 * - Expired or invalid tokens: 401 "with either a InvalidAccessToken or ExpiredAccessToken error"
 *   (developers.kopokopo.com, "Using an access token"); put in `error_message` in the same shape.
 *   Kopo Kopo's OAuth server is Doorkeeper (its token response carries Doorkeeper's `created_at`),
 *   so the 401 also carries Doorkeeper's `WWW-Authenticate` challenge.
 * - `/oauth/token` errors: Doorkeeper's RFC 6749 bodies `{"error","error_description"}`.
 */

export function apiError(status: number, message: string, headers: Record<string, string> = {}): HttpError {
  return new HttpError(status, { error_code: status, error_message: message }, headers);
}

/** Doorkeeper's descriptions (config/locales/en.yml of the doorkeeper gem). */
const TOKEN_ERRORS: Record<TokenErrorCode, { status: number; description: string }> = {
  invalid_client: {
    status: 401,
    description:
      "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
  },
  invalid_request: {
    status: 400,
    description:
      "The request is missing a required parameter, includes an unsupported parameter value, or is otherwise malformed.",
  },
  unsupported_grant_type: {
    status: 400,
    description: "The authorization grant type is not supported by the authorization server.",
  },
  invalid_scope: { status: 400, description: "The requested scope is invalid, unknown, or malformed." },
};

export function tokenError(error: TokenErrorCode): HttpError {
  const { status, description } = TOKEN_ERRORS[error];
  return new HttpError(status, { error, error_description: description }, { "cache-control": "no-store" });
}

/** 401 InvalidAccessToken / ExpiredAccessToken unless the request carries a valid bearer token. */
export function requireToken(req: EmuRequest, tokens: TokenStore): void {
  const state = bearerState(req, tokens);
  if (state === "valid") return;
  const expired = state === "expired";
  const description = expired ? "The access token expired" : "The access token is invalid";
  throw apiError(401, expired ? "ExpiredAccessToken" : "InvalidAccessToken", {
    "www-authenticate": `Bearer realm="Doorkeeper", error="invalid_token", error_description="${description}"`,
  });
}
