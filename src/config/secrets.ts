import type { ProviderId } from "../core/provider-id.js";
import { configError } from "../errors.js";

/** The env var holding each HMAC provider's verification secret. */
export const SECRET_ENV: Partial<Record<ProviderId, string>> = {
  dfns: "DFNS_WEBHOOK_SECRET",
  bracken: "BRACKEN_WEBHOOK_SECRET",
  kopokopo: "KOPOKOPO_API_KEY",
};

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
  const name = SECRET_ENV[provider];
  const value = name === undefined ? undefined : env[name];
  return [...new Set([...(value ? [value] : []), ...saved])];
}
