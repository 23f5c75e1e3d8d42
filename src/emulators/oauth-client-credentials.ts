import { randomBytes } from "node:crypto";
import { safeEqualHidingLength, utf8 } from "../core/bytes.js";
import { basicAuth, bearer, type EmuRequest, formBody } from "./router.js";
import type { TokenStore } from "./tokens.js";

/**
 * The OAuth 2.0 client-credentials grant (RFC 6749 §4.4) as the emulators of Bracken (IdentityServer's
 * `/connect/token`) and Kopo Kopo (`/oauth/token`) serve it: the request is parsed and judged here,
 * the provider-shaped answer is built by each emulator.
 */

export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** RFC 6749 §5.2 error codes the client-credentials grant can produce. */
export type TokenErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "unsupported_grant_type"
  | "invalid_scope";

export type TokenRequestOutcome =
  | { readonly ok: true; readonly clientId: string; readonly scope: string | undefined }
  | { readonly ok: false; readonly error: TokenErrorCode; readonly description: string };

export interface TokenRequestRules {
  /** Also read the parameters from a JSON body (Rails/Doorkeeper accepts it; IdentityServer does not). */
  readonly acceptJson?: boolean;
}

/** Generates credentials in the shape OAuth servers hand out (url-safe random strings). */
export function generateClientCredentials(idPrefix = ""): ClientCredentials {
  return {
    clientId: `${idPrefix}${randomBytes(16).toString("base64url")}`,
    clientSecret: randomBytes(32).toString("base64url"),
  };
}

/**
 * Judges a token request: grant type, client authentication (form fields or HTTP Basic, RFC 6749
 * §2.3.1; both at once is an error), and the secret compared in constant time.
 */
export function judgeTokenRequest(
  req: EmuRequest,
  expected: ClientCredentials,
  rules: TokenRequestRules = {},
): TokenRequestOutcome {
  const params = tokenParams(req, rules);
  if (!params) return fail("invalid_request", "the body must be application/x-www-form-urlencoded");
  const grantType = params.get("grant_type");
  if (!grantType) return fail("invalid_request", "grant_type is required");
  if (grantType !== "client_credentials")
    return fail("unsupported_grant_type", `grant_type "${grantType}" is not supported`);

  const basic = basicAuth(req);
  const formId = params.get("client_id");
  const formSecret = params.get("client_secret");
  // Some clients (older requests-oauthlib) repeat client_id in the body next to Basic: allowed when
  // it names the same client. A second secret is two authentication methods (RFC 6749 §2.3).
  if (basic && formSecret !== null)
    return fail("invalid_request", "client credentials given both as HTTP Basic and in the body");
  if (basic && formId !== null && formId !== basic.id)
    return fail("invalid_client", "client_id in the body differs from HTTP Basic");
  const id = basic?.id ?? formId;
  const secret = basic?.secret ?? formSecret;
  if (!id || !secret) return fail("invalid_client", "client authentication is missing");
  const idOk = safeEqualHidingLength(utf8(id), utf8(expected.clientId));
  const secretOk = safeEqualHidingLength(utf8(secret), utf8(expected.clientSecret));
  if (!idOk || !secretOk) return fail("invalid_client", "client authentication failed");
  const scope = params.get("scope")?.trim();
  return { ok: true, clientId: id, scope: scope ? scope : undefined };
}

/** The state of a request's bearer token: absent, or what the token store says of it. */
export function bearerState(
  req: EmuRequest,
  tokens: TokenStore,
): "missing" | "valid" | "expired" | "unknown" {
  const token = bearer(req);
  if (token === undefined) return "missing";
  return tokens.check(token);
}

function tokenParams(req: EmuRequest, rules: TokenRequestRules): URLSearchParams | undefined {
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  if (type.includes("application/x-www-form-urlencoded")) return formBody(req);
  if (rules.acceptJson && type.includes("json")) {
    try {
      const value: unknown = JSON.parse(req.body.toString("utf8"));
      if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
      const params = new URLSearchParams();
      for (const [key, field] of Object.entries(value)) if (typeof field === "string") params.set(key, field);
      return params;
    } catch {
      return undefined;
    }
  }
  // No content type at all: read it as a form (curl -d without -H, older HTTP clients).
  if (type === "") return formBody(req);
  return undefined;
}

function fail(error: TokenErrorCode, description: string): TokenRequestOutcome {
  return { ok: false, error, description };
}
