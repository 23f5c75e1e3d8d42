import { checkKey } from "../check/keys.js";
import type { SecretFlags } from "../config/secrets.js";
import { type SigningSetup, signingSetup, trustEnvText } from "../config/signing-credentials.js";
import type { Context } from "../context.js";
import type { CaptureRecord } from "../core/capture-format.js";
import { isProviderId, type ProviderId } from "../core/provider-id.js";
import { usageError } from "../errors.js";
import { PROVIDERS } from "../providers/index.js";
import type { SignedMessage } from "../providers/types.js";

export interface ResignFlags extends SecretFlags {
  readonly keyPort?: number;
  readonly audience?: string;
}

/**
 * `replay --resign`: each delivery signed again as of now, like `stripe events resend`, so a capture
 * older than a handler's window still gets through. HMAC providers sign with the secret listen would
 * use (flags, env, then the one register saved); MoneyKit and PointServices with whtool's test key
 * (the one `check` uses), served on --key-port while the replay runs.
 */
export class Resigner {
  readonly #setups = new Map<ProviderId, Promise<SigningSetup>>();

  constructor(
    private readonly flags: ResignFlags,
    private readonly ctx: Context,
  ) {}

  async resign(record: CaptureRecord, message: SignedMessage): Promise<SignedMessage> {
    const provider = record.provider;
    if (provider === null || !isProviderId(provider))
      throw usageError(
        `delivery ${record.id} has no known provider, so it cannot be re-signed`,
        "replay it without --resign, or capture it with listen --provider ID",
      );
    const setup = await this.#setup(provider);
    const outbound = await PROVIDERS[provider].outbound();
    return outbound.resign(message, setup.credentials, this.ctx.now());
  }

  #setup(provider: ProviderId): Promise<SigningSetup> {
    let setup = this.#setups.get(provider);
    if (!setup) {
      setup = signingSetup(
        {
          ...this.flags,
          cwd: this.ctx.cwd,
          provider,
          audience: this.flags.audience ?? "whtool-check",
          key: (alg) => checkKey(this.ctx.cwd, alg),
          keyPort: this.flags.keyPort ?? 4998,
          noSecretHint: (secretEnv) =>
            `pass --secret with the value your handler verifies with, or set ${secretEnv}`,
        },
        this.ctx.env,
      ).then((ready) => {
        if (ready.keyServer)
          this.ctx.stderr.write(
            `re-signing ${provider} deliveries with whtool's test key; your handler must trust it: ${trustEnvText(ready.trustEnv)}\n`,
          );
        return ready;
      });
      this.#setups.set(provider, setup);
    }
    return setup;
  }

  /** Stops the key servers. */
  async close(): Promise<void> {
    for (const setup of this.#setups.values()) await (await setup.catch(() => undefined))?.keyServer?.close();
  }
}
