import { join, resolve } from "node:path";
import { JwksDiskCache, OidcKeyStore, RemoteJwks, StaticKeyStore } from "../adapters/jwks.js";
import { proxiedFetch } from "../adapters/proxy.js";
import { savedSecretsSync } from "../adapters/state.js";
import { readUserTextSync } from "../adapters/user-files.js";
import type { KeyStore } from "../core/keys.js";
import type { ProviderId } from "../core/provider-id.js";
import { configError, usageError } from "../errors.js";
import { PROVIDERS } from "../providers/index.js";
import type { VerifyOptions } from "../providers/types.js";
import { resolveSecrets, type SecretFlags } from "./secrets.js";
import { parseTrustedIssuers } from "./trusted-issuers.js";

export interface KeyFlags extends SecretFlags {
  readonly jwksFile?: string;
  readonly jwksUrl?: string;
  /** `--refresh-keys`: ignore the on-disk JWKS cache and fetch once. */
  readonly refreshKeys?: boolean;
}

export interface SetupContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly fetch: typeof fetch;
  now(): Date;
}

/** Between refetches on an unknown kid, as jose's remote key sets; the first one is never held back. */
const JWKS_COOLDOWN_MS = 30_000;

function staticKeys(path: string, cwd: string): KeyStore {
  let jwks: unknown;
  try {
    jwks = JSON.parse(readUserTextSync(resolve(cwd, path)));
  } catch (error) {
    throw usageError(
      `--jwks-file ${path}: ${(error as Error).message}`,
      'give a JSON Web Key Set file ({"keys":[…]})',
    );
  }
  return new StaticKeyStore(jwks, path);
}

/**
 * Everything but the judging time that `provider.verify` needs, from flags and environment.
 * Throws a config error (exit 3) naming the variable to set when a secret or issuer list is missing.
 */
export function verifyOptionsFor(
  provider: ProviderId,
  flags: KeyFlags,
  ctx: SetupContext,
): Omit<VerifyOptions, "at"> {
  const remote = {
    // JWKS and OIDC discovery honour HTTPS_PROXY / NO_PROXY like the provider API calls.
    fetch: proxiedFetch(ctx.env, ctx.fetch),
    now: () => ctx.now(),
    cache: new JwksDiskCache(join(ctx.cwd, ".whtool", "jwks-cache.json")),
    refetchIntervalMs: JWKS_COOLDOWN_MS,
    refresh: flags.refreshKeys === true,
  };
  const { credentials } = PROVIDERS[provider];
  switch (credentials.kind) {
    case "jwks": {
      if (flags.jwksFile !== undefined) return { secrets: [], keys: staticKeys(flags.jwksFile, ctx.cwd) };
      const base = (ctx.env[credentials.apiUrlEnv] || credentials.defaultApiUrl).replace(/\/+$/, "");
      const url = flags.jwksUrl ?? `${base}${credentials.jwksPath}`;
      return {
        secrets: [],
        keys: new RemoteJwks(url, { ...remote, maxAgeMs: credentials.maxAgeMs }),
      };
    }
    case "oidc": {
      const trustedIssuers = parseTrustedIssuers(ctx.env[credentials.issuersEnv]);
      if (trustedIssuers.length === 0)
        throw configError(
          `no trusted issuers for ${provider}`,
          `set ${credentials.issuersEnv}, e.g. ${credentials.issuersEnv}=${credentials.issuersExample}`,
        );
      const timing = { ...remote, maxAgeMs: credentials.maxAgeMs };
      const jwksUrl = flags.jwksUrl ?? (ctx.env[credentials.jwksUrlEnv] || undefined);
      const keys =
        flags.jwksFile !== undefined
          ? staticKeys(flags.jwksFile, ctx.cwd)
          : new OidcKeyStore(jwksUrl === undefined ? timing : { ...timing, jwksUrl });
      return { secrets: [], keys, trustedIssuers };
    }
    case "hmac": {
      const secrets = resolveSecrets(provider, flags, ctx.env, savedSecretsSync(ctx.cwd, provider));
      if (secrets.length === 0)
        throw configError(
          `no secret for ${provider}`,
          `set ${credentials.secretEnv} (in the environment or .env), pass --secret / --secret-env, or whtool register first`,
        );
      return { secrets };
    }
  }
}
