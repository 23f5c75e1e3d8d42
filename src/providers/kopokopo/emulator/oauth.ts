import { safeEqualHidingLength, utf8 } from "../../../core/bytes.js";
import { isRecord } from "../../../core/json-body.js";
import { type ClientCredentials, judgeTokenRequest } from "../../../emulators/oauth-client-credentials.js";
import {
  basicAuth,
  bearer,
  type EmuRequest,
  formBody,
  HttpError,
  type Router,
} from "../../../emulators/router.js";
import { tokenError } from "./errors.js";
import type { KopoKopoTokens } from "./tokens.js";

/**
 * Kopo Kopo's OAuth endpoints (developer guide "Authorization" and "Application access token
 * actions"; its server is Doorkeeper, so bodies are Doorkeeper's):
 * - `POST /oauth/token`: the client-credentials grant.
 * - `POST /oauth/revoke` (RFC 7009) and `POST /oauth/introspect` (RFC 7662): the client authenticates
 *   with `client_id`/`client_secret` in the body (the guide: form-encoded; k2-connect-node sends JSON,
 *   with `Authorization: Bearer null`, so both are read and that bearer is ignored) or HTTP Basic.
 * - `GET /oauth/token/info`: Doorkeeper's token info for the bearer token.
 */
export function addOAuthRoutes(
  router: Router,
  tokens: KopoKopoTokens,
  client: ClientCredentials,
  now: () => Date,
): void {
  router.on("POST", "/oauth/token", (req) => {
    const outcome = judgeTokenRequest(req, client, { acceptJson: true });
    if (!outcome.ok) throw tokenError(outcome.error);
    const { token, expiresIn } = tokens.issue(outcome.clientId, "");
    return {
      status: 200,
      headers: { "cache-control": "no-store" },
      body: {
        token_type: "Bearer",
        expires_in: expiresIn,
        access_token: token,
        created_at: Math.floor(now().getTime() / 1000),
      },
    };
  });

  // RFC 7009 §2.2: an unknown or already revoked token is still answered 200.
  router.on("POST", "/oauth/revoke", (req) => {
    const params = authenticatedParams(req, client);
    const token = params.get("token");
    if (token) tokens.revoke(token);
    return { status: 200, headers: { "cache-control": "no-store" }, body: {} };
  });

  router.on("POST", "/oauth/introspect", (req) => {
    const params = authenticatedParams(req, client);
    const token = params.get("token");
    if (!token) throw tokenError("invalid_request");
    const issued = tokens.issued(token);
    // RFC 7662 §2.2: an inactive token (expired, revoked, unknown) says only that.
    if (!issued || tokens.check(token) !== "valid")
      return { status: 200, headers: { "cache-control": "no-store" }, body: { active: false } };
    const iat = Math.floor(issued.createdAt.getTime() / 1000);
    return {
      status: 200,
      headers: { "cache-control": "no-store" },
      body: {
        active: true,
        scope: "",
        client_id: issued.clientId,
        token_type: "Bearer",
        exp: iat + tokens.ttlS,
        iat,
      },
    };
  });

  router.on("GET", "/oauth/token/info", (req) => {
    const token = bearer(req);
    const state = tokens.check(token);
    const issued = token === undefined ? undefined : tokens.issued(token);
    if (token === undefined || state !== "valid" || !issued) throw invalidToken(token, state, tokens);
    return {
      status: 200,
      body: {
        resource_owner_id: null,
        scope: [],
        expires_in: tokens.expiresIn(token),
        application: { uid: issued.clientId },
        created_at: Math.floor(issued.createdAt.getTime() / 1000),
      },
    };
  });
}

/** The body's parameters once the client has authenticated, else Doorkeeper's 401 invalid_client. */
function authenticatedParams(req: EmuRequest, client: ClientCredentials): URLSearchParams {
  const params = bodyParams(req);
  const basic = basicAuth(req);
  const id = basic?.id ?? params.get("client_id") ?? "";
  const secret = basic?.secret ?? params.get("client_secret") ?? "";
  const ok =
    safeEqualHidingLength(utf8(id), utf8(client.clientId)) &&
    safeEqualHidingLength(utf8(secret), utf8(client.clientSecret));
  if (!ok) throw tokenError("invalid_client");
  return params;
}

function bodyParams(req: EmuRequest): URLSearchParams {
  if (!(req.headers["content-type"] ?? "").toLowerCase().includes("json")) return formBody(req);
  const params = new URLSearchParams();
  try {
    const value: unknown = JSON.parse(req.body.toString("utf8"));
    if (isRecord(value))
      for (const [key, field] of Object.entries(value)) if (typeof field === "string") params.set(key, field);
  } catch {
    // an unreadable body carries no credentials: the 401 below says so
  }
  return params;
}

/** Doorkeeper's 401 for token info (its InvalidTokenResponse): why, and the Bearer challenge. */
function invalidToken(token: string | undefined, state: string, tokens: KopoKopoTokens): HttpError {
  const description =
    token !== undefined && tokens.isRevoked(token)
      ? "The access token was revoked"
      : state === "expired"
        ? "The access token expired"
        : "The access token is invalid";
  return new HttpError(
    401,
    { error: "invalid_token", error_description: description },
    {
      "www-authenticate": `Bearer realm="Doorkeeper", error="invalid_token", error_description="${description}"`,
    },
  );
}
