import type { JWK } from "jose";
import { Router, type ServerHandle, serveRouter } from "./http-router.js";

export interface KeyServer extends ServerHandle {
  /** `{url}{jwksPath}`: what pointing a provider's API URL at {url} makes whtool fetch. */
  readonly jwksUrl: string;
  /** An OIDC issuer (`{url}/issuer`) with discovery and the same JWKS, for OIDC-signed tokens. */
  readonly issuer: string;
  /** Publishes one more key from now on, as a provider rotating its keys does. */
  publish(publicJwk: JWK): void;
}

/**
 * Serves the public half of whtool's test signing keys on loopback while `whtool send` or `check`
 * runs, so a receiver can fetch them exactly as it would from the provider.
 */
export async function serveKeys(
  publicJwks: readonly JWK[],
  port = 0,
  jwksPath = "/.well-known/jwks.json",
): Promise<KeyServer> {
  const jwks = { keys: [...publicJwks] };
  let base = "";
  const router = new Router(() => ({ error: "not_found" }))
    .on("GET", jwksPath, () => ({ status: 200, body: jwks }))
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
  return {
    ...handle,
    jwksUrl: `${base}${jwksPath}`,
    issuer: `${base}/issuer`,
    publish: (publicJwk) => {
      jwks.keys.push(publicJwk);
    },
  };
}
