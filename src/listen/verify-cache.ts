import { type KeyFlags, verifyOptionsFor } from "../config/verify-options.js";
import type { Context } from "../context.js";
import type { ProviderId } from "../core/provider-id.js";
import { EXIT, WhtoolError } from "../errors.js";
import type { VerifyOptions } from "../providers/types.js";

export type VerifyOptionsSource = ((provider: ProviderId) => Omit<VerifyOptions, "at">) & {
  /** Forget cached settings (after `register` saved a new secret). */
  reset(): void;
};

/**
 * Verification settings per provider, built once; a missing secret is a warning and `no_secret`
 * verdicts (the delivery is still captured and answered), not a crash.
 */
export function verifyOptionsCache(
  flags: KeyFlags,
  ctx: Context,
  warn: (line: string) => void,
): VerifyOptionsSource {
  const cache = new Map<ProviderId, Omit<VerifyOptions, "at">>();
  const get = (provider: ProviderId): Omit<VerifyOptions, "at"> => {
    let options = cache.get(provider);
    if (!options) {
      try {
        options = verifyOptionsFor(provider, flags, ctx);
      } catch (error) {
        if (!(error instanceof WhtoolError) || error.exitCode !== EXIT.config) throw error;
        warn(
          `warning: ${provider} deliveries will not verify: ${error.message}${error.hint ? ` — ${error.hint}` : ""}`,
        );
        options = { secrets: [], trustedIssuers: [] };
      }
      cache.set(provider, options);
    }
    return options;
  };
  return Object.assign(get, { reset: () => cache.clear() });
}
