// Shared setup for test/api/bracken*.test.ts: a real emulator, a real receiver, the real verifier.
import assert from "node:assert/strict";
import { savedSecretsSync } from "../../src/adapters/state.js";
import type { ApiContext } from "../../src/api/types.js";
import type { Delivery } from "../../src/core/delivery.js";
import type { RunningEmulator } from "../../src/emulators/types.js";
import { type BrackenEmulatorOptions, startBrackenEmulator } from "../../src/providers/bracken/emulator.js";
import { PROVIDERS } from "../../src/providers/index.js";
import { bodyOf, context, failure, receiver, shown, track } from "../helpers/api.js";

export { bodyOf, context, failure, receiver, shown };

export async function emulator(options: BrackenEmulatorOptions = {}): Promise<RunningEmulator> {
  const emu = await startBrackenEmulator({ timeScale: 0.0001, ...options });
  return track(emu);
}

/** The secrets `whtool listen`/`verify` would pick up from the state file in `cwd`. */
export const savedSecrets = (ctx: ApiContext) => savedSecretsSync(ctx.cwd, "bracken");

/** Verifies a delivery with the real Bracken verifier and the given secrets. */
export async function assertVerifies(d: Delivery, secrets: readonly string[]): Promise<void> {
  const verdict = await PROVIDERS.bracken.verify(d, { at: new Date(), secrets });
  assert.equal(verdict.verified, true, JSON.stringify(verdict.checks));
}

export const tokenRequests = (emu: RunningEmulator) =>
  emu.requests.filter((r) => r.method === "POST" && r.path === "/connect/token").length;

export async function emulatorGet(emu: RunningEmulator, path: string): Promise<unknown> {
  const response = await fetch(`${emu.url}${path}`);
  return response.json();
}
