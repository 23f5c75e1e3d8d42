import { resolve } from "node:path";
import { readUserTextSync } from "../adapters/user-files.js";
import type { ProviderId } from "../core/provider-id.js";
import { usageError } from "../errors.js";
import { PROVIDERS } from "../providers/index.js";

/** The env var holding an HMAC provider's secret (its credentials descriptor); undefined for JWT providers. */
export function secretEnvOf(provider: ProviderId): string | undefined {
  const { credentials } = PROVIDERS[provider];
  return credentials.kind === "hmac" ? credentials.secretEnv : undefined;
}

export interface SecretFlags {
  /**
   * `--secret VALUE` and the contents of `--secret-file PATH`, repeatable, in command-line order:
   * newest first, older ones still accepted (rotation).
   */
  readonly secret?: readonly string[];
  /** `--secret-env NAME`: read the secret from that variable. */
  readonly secretEnv?: string;
}

/** `--secret ''` is what an unset `"$VAR"` gives: refused, never an HMAC keyed with nothing. */
export function nonEmptySecret(value: string): string {
  if (value === "")
    throw usageError(
      "--secret '': the secret is empty (an unset shell variable?)",
      "give the secret, or --secret-file PATH / --secret-env NAME to keep it out of ps",
    );
  return value;
}

/** The value of `--secret-env NAME`; an unset or empty variable is a usage error naming it. */
export function secretFromEnv(name: string, env: Readonly<Record<string, string | undefined>>): string {
  const value = env[name];
  if (!value)
    throw usageError(
      `--secret-env ${name}: the variable ${name} is not set or empty`,
      `export ${name}=… (or put it in .env), or pass --secret-file PATH`,
    );
  return value;
}

/**
 * The secret in `--secret-file PATH`: the file's content with ONE trailing newline (\n or \r\n)
 * stripped, as `echo "$S" > f` leaves it; any other whitespace is part of the secret. An empty
 * file is refused like `--secret ''`. The content is never echoed, only the path.
 */
export function readSecretFile(path: string, cwd: string): string {
  let text: string;
  try {
    text = readUserTextSync(resolve(cwd, path));
  } catch (error) {
    throw usageError(`--secret-file ${path}: ${(error as NodeJS.ErrnoException).code ?? "unreadable"}`);
  }
  const secret = text.replace(/\r?\n$/, "");
  if (secret === "") throw usageError(`--secret-file ${path}: the file is empty`);
  return secret;
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
  if (flags.secret && flags.secret.length > 0) return flags.secret.map(nonEmptySecret);
  if (flags.secretEnv !== undefined) return [secretFromEnv(flags.secretEnv, env)];
  const name = secretEnvOf(provider);
  const value = name === undefined ? undefined : env[name];
  return [...new Set([...(value ? [value] : []), ...saved])];
}
