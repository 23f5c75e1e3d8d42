import { type KeyServer, serveKeys } from "../adapters/key-server.js";
import { savedSecretsSync } from "../adapters/state.js";
import type { ProviderId } from "../core/provider-id.js";
import { configError, usageError } from "../errors.js";
import { PROVIDERS } from "../providers/index.js";
import type { SigningKey } from "../providers/signing-key.js";
import type { OutboundCredentials } from "../providers/types.js";
import { resolveSecrets, type SecretFlags } from "./secrets.js";

/** How `send` and `check` sign: with what, and (JWT providers) the key server a receiver must trust. */
export interface SigningSetup {
  readonly credentials: OutboundCredentials;
  /** JWT providers: serves the public key on loopback until closed. */
  readonly keyServer?: KeyServer;
  /** What a receiver sets to trust `keyServer` (e.g. its API URL or trusted issuers); {} for HMAC. */
  readonly trustEnv: Readonly<Record<string, string>>;
  /** Where `keyServer` publishes the JWKS; null for HMAC. */
  readonly jwksUrl: string | null;
}

export interface SigningRequest extends SecretFlags {
  readonly provider: ProviderId;
  /** OIDC providers: the audience tokens are issued for. */
  readonly audience: string;
  /** The signing key for a JWT provider's algorithm (whtool's test key, kept under .whtool/ for send, check and replay --resign). */
  key(alg: SigningKey["alg"]): Promise<SigningKey>;
  /** Where to serve the keys (0: any free port); a port in use is a usage error naming --key-port. */
  readonly keyPort?: number;
  /** Where `whtool register` saved secrets: used after the flags and the variable, as listen does. */
  readonly cwd?: string;
  /** The hint when an HMAC provider has no secret, given the variable that would hold it. */
  noSecretHint(secretEnv: string): string;
}

/** `NAME=value NAME=value`: the trust env as a receiver's shell or .env takes it. */
export function trustEnvText(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .map(([name, value]) => `${name}=${value}`)
    .join(" ");
}

/**
 * Signing credentials from the provider's credentials descriptor: an HMAC provider's secret (flags,
 * then its variable), or a JWT provider's key served on loopback with the env that trusts it.
 */
export async function signingSetup(
  request: SigningRequest,
  env: Readonly<Record<string, string | undefined>>,
): Promise<SigningSetup> {
  const { credentials } = PROVIDERS[request.provider];
  if (credentials.kind === "hmac") {
    const saved = request.cwd === undefined ? [] : savedSecretsSync(request.cwd, request.provider);
    const [secret] = resolveSecrets(request.provider, request, env, saved);
    if (secret === undefined)
      throw configError(
        `no secret to sign ${request.provider} deliveries with`,
        request.noSecretHint(credentials.secretEnv),
      );
    return { credentials: { secret }, trustEnv: {}, jwksUrl: null };
  }
  const key = await request.key(credentials.alg);
  const port = request.keyPort ?? 0;
  const jwksPath = credentials.kind === "jwks" ? credentials.jwksPath : undefined;
  const keyServer = await serveKeys([key.publicJwk], port, jwksPath).catch((error: NodeJS.ErrnoException) => {
    throw error.code === "EADDRINUSE"
      ? usageError(`--key-port ${port} is in use`, "free it or pick another")
      : error;
  });
  if (credentials.kind === "jwks")
    return {
      credentials: { key },
      keyServer,
      trustEnv: { [credentials.apiUrlEnv]: keyServer.url },
      jwksUrl: keyServer.jwksUrl,
    };
  return {
    credentials: { key, issuer: keyServer.issuer, audience: request.audience },
    keyServer,
    trustEnv: { [credentials.issuersEnv]: `${keyServer.issuer}=${request.audience}` },
    jwksUrl: `${keyServer.issuer}/jwks`,
  };
}
