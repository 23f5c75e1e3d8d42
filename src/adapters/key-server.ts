import { Router, type ServerHandle, serveRouter } from "../emulators/router.js";
import { jwksOf, type SigningKey } from "../providers/signing-key.js";

export interface KeyServer extends ServerHandle {
  /** `{url}/.well-known/jwks.json`: what MONEYKIT_API_URL={url} makes whtool fetch. */
  readonly jwksUrl: string;
  /** An OIDC issuer (`{url}/issuer`) with discovery and the same JWKS, for PointServices tokens. */
  readonly issuer: string;
}

/**
 * Serves the public half of ephemeral signing keys on loopback while `whtool send` runs, so a
 * receiver can fetch them exactly as it would from the provider.
 */
export async function serveKeys(keys: readonly SigningKey[], port = 0): Promise<KeyServer> {
  const jwks = jwksOf(keys);
  let base = "";
  const router = new Router(() => ({ error: "not_found" }))
    .on("GET", "/.well-known/jwks.json", () => ({ status: 200, body: jwks }))
    .on("GET", "/issuer/jwks", () => ({ status: 200, body: jwks }))
    .on("GET", "/issuer/.well-known/openid-configuration", () => ({
      status: 200,
      body: {
        issuer: `${base}/issuer`,
        jwks_uri: `${base}/issuer/jwks`,
        id_token_signing_alg_values_supported: ["RS256"],
        response_types_supported: ["id_token"],
        subject_types_supported: ["public"],
      },
    }));
  const handle = await serveRouter(router, port);
  base = handle.url;
  return { ...handle, jwksUrl: `${base}/.well-known/jwks.json`, issuer: `${base}/issuer` };
}
