// Shared setup for test/api/pps*.test.ts: a real emulator (with its own OIDC issuer), a real receiver,
// the real verifier with OIDC discovery.
import assert from "node:assert/strict";
import { OidcKeyStore } from "../../src/adapters/jwks.js";
import { parseTrustedIssuers } from "../../src/config/trusted-issuers.js";
import type { Delivery } from "../../src/core/delivery.js";
import { PROVIDERS } from "../../src/providers/index.js";
import {
  type PpsEmulatorOptions,
  type PpsRunningEmulator,
  startPpsEmulator,
} from "../../src/providers/pps/emulator.js";
import { PPS_JWKS_TTL_MS } from "../../src/providers/pps/info.js";
import { bodyOf, context, failure, receiver, shown, track } from "../helpers/api.js";

export { bodyOf, context, failure, receiver, shown };

export async function emulator(options: PpsEmulatorOptions = {}): Promise<PpsRunningEmulator> {
  const emu = await startPpsEmulator({ timeScale: 0.0001, ...options });
  return track(emu);
}

/** Verifies with the real verifier: issuers from PPS_TRUSTED_ISSUERS, keys found by OIDC discovery. */
export async function assertVerifies(emu: PpsRunningEmulator, d: Delivery): Promise<void> {
  const verdict = await PROVIDERS.pps.verify(d, {
    at: new Date(),
    secrets: [],
    trustedIssuers: parseTrustedIssuers(emu.env.PPS_TRUSTED_ISSUERS),
    keys: new OidcKeyStore({ fetch, now: () => new Date(), maxAgeMs: PPS_JWKS_TTL_MS, refetchIntervalMs: 0 }),
  });
  assert.equal(verdict.verified, true, JSON.stringify(verdict.checks));
}
