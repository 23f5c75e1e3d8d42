import type { ProviderId } from "../core/provider-id.js";
import { configError } from "../errors.js";
import { PROVIDERS } from "../providers/index.js";

/** The env var holding an HMAC provider's secret (its credentials descriptor); undefined for JWT providers. */
export function secretEnvOf(provider: ProviderId): string | undefined {
  const { credentials } = PROVIDERS[provider];
  return credentials.kind === "hmac" ? credentials.secretEnv : undefined;
}

export interface SecretFlags {
  /** `--secret VALUE`, repeatable: newest first, older ones still accepted (rotation). */
  readonly secret?: readonly string[];
  /** `--secret-env NAME`: read the secret from that variable. */
  readonly secretEnv?: string;
}

/**
 * Secrets for one provider: the flags alone when given; else the provider's env var followed by
 * the secrets `whtool register` saved in .whtool/state.json. Never logged.
 */
export function resolveSecrets(
  provider: ProviderId,
  flags: SecretFlags,
  env: Readonly<Record<string, string | undefined>>,
  saved: readonly string[] = [],
): string[] {
  if (flags.secret && flags.secret.length > 0) return [...flags.secret];
  if (flags.secretEnv !== undefined) {
    const value = env[flags.secretEnv];
    if (!value) throw configError(`--secret-env ${flags.secretEnv}: that variable is not set or empty`);
    return [value];
  }
  const name = secretEnvOf(provider);
  const value = name === undefined ? undefined : env[name];
  return [...new Set([...(value ? [value] : []), ...saved])];
}
