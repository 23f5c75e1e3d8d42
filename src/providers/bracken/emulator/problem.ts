import { randomBytes } from "node:crypto";
import { bearerState } from "../../../emulators/oauth-client-credentials.js";
import { type EmuRequest, HttpError } from "../../../emulators/router.js";
import type { TokenStore } from "../../../emulators/tokens.js";

/**
 * Error answers in the shapes of the stack Bracken runs on. `/connect/token` is IdentityServer's
 * token endpoint (RFC 6749 §5.2 bodies: `{"error":"invalid_client"}`, status 400 — providers.md).
 * The API is ASP.NET Core (inferred from IdentityServer and the `{domainkey}` route style): 401s
 * carry no body and a `WWW-Authenticate: Bearer …` header (the JwtBearer handler's answer), other
 * errors are RFC 7807 ProblemDetails. INFERRED: Bracken does not document its error bodies.
 */

const TYPES: Record<number, { type: string; title: string }> = {
  400: {
    type: "https://tools.ietf.org/html/rfc7231#section-6.5.1",
    title: "One or more validation errors occurred.",
  },
  403: { type: "https://tools.ietf.org/html/rfc7231#section-6.5.3", title: "Forbidden" },
  404: { type: "https://tools.ietf.org/html/rfc7231#section-6.5.4", title: "Not Found" },
  409: { type: "https://tools.ietf.org/html/rfc7231#section-6.5.8", title: "Conflict" },
};

const PROBLEM_JSON = { "content-type": "application/problem+json; charset=utf-8" };

/** A W3C trace id the way ASP.NET Core prints it in ProblemDetails. */
function traceId(): string {
  return `00-${randomBytes(16).toString("hex")}-${randomBytes(8).toString("hex")}-00`;
}

export function problem(
  status: 400 | 403 | 404 | 409,
  detail?: string,
  errors?: Record<string, string[]>,
): HttpError {
  const kind = TYPES[status] ?? { type: "about:blank", title: "Error" };
  const body: Record<string, unknown> = { type: kind.type, title: kind.title, status };
  if (detail !== undefined) body.detail = detail;
  body.traceId = traceId();
  if (errors !== undefined) body.errors = errors;
  return new HttpError(status, body, PROBLEM_JSON);
}

/** A 400 for model-validation failures, keyed by property as ASP.NET Core does. */
export function validation(errors: Record<string, string[]>): HttpError {
  return problem(400, undefined, errors);
}

/** IdentityServer's token-endpoint error: 400 with only the RFC 6749 code. */
export function tokenError(error: string): HttpError {
  return new HttpError(400, { error }, { "cache-control": "no-store", pragma: "no-cache" });
}

/** The JwtBearer handler's refusal: 401, empty body, the reason in `WWW-Authenticate`. */
export function requireToken(req: EmuRequest, tokens: TokenStore): void {
  const state = bearerState(req, tokens);
  if (state === "valid") return;
  const challenge =
    state === "missing"
      ? "Bearer"
      : state === "expired"
        ? 'Bearer error="invalid_token", error_description="The token is expired"'
        : 'Bearer error="invalid_token"';
  throw new HttpError(401, undefined, { "www-authenticate": challenge });
}
