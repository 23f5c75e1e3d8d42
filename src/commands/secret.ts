import { doctorSetupFor } from "../config/credential-candidates.js";
import { type SecretFlags, secretEnvOf } from "../config/secrets.js";
import type { Context } from "../context.js";
import type { ProviderId } from "../core/provider-id.js";
import { configError, EXIT, usageError } from "../errors.js";
import { PROVIDERS } from "../providers/index.js";
import { emit } from "../ui/json-lines.js";

export interface SecretFlagsOfCommand extends SecretFlags {
  readonly provider: ProviderId;
  readonly all?: boolean;
  readonly json?: boolean;
}

/**
 * `whtool secret`: the secret `listen` and `verify` would verify with, on stdout and nothing else
 * (like `stripe listen --print-secret`), for the handler under test. Where it came from goes to
 * stderr, so `$(whtool secret --provider dfns)` is the bare value.
 */
export async function secretCommand(flags: SecretFlagsOfCommand, ctx: Context): Promise<number> {
  const info = PROVIDERS[flags.provider].info;
  if (secretEnvOf(flags.provider) === undefined)
    throw usageError(
      `${info.name} deliveries carry no shared secret: they are signed with keys (${info.scheme})`,
      `your handler verifies them with the provider's public keys; whtool providers ${flags.provider} shows where they come from`,
    );
  const setup = await doctorSetupFor(flags.provider, flags, ctx);
  if (setup.secrets.length === 0)
    throw configError(
      `no ${info.name} secret is configured here`,
      `set ${info.verifyEnv.join(" or ")} (environment or .env), pass --secret, or run whtool register --provider ${flags.provider} to have one saved`,
    );
  const chosen = flags.all ? setup.secrets : setup.secrets.slice(0, 1);
  for (const { source, secret } of chosen) {
    if (flags.json) emit(ctx, { type: "secret", provider: flags.provider, source, secret });
    else ctx.stdout.write(`${secret}\n`);
  }
  if (!flags.json)
    ctx.stderr.write(
      `(${chosen.map((s) => s.source).join(", ")}${!flags.all && setup.secrets.length > 1 ? `; ${setup.secrets.length - 1} older one(s) also accepted: --all lists them` : ""})\n`,
    );
  return EXIT.ok;
}
