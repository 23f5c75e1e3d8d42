// Shared setup for test/api/moneykit*.test.ts: a real emulator, a real receiver, a real verifier.
import assert from "node:assert/strict";
import { RemoteJwks } from "../../src/adapters/jwks.js";
import type { Delivery } from "../../src/core/delivery.js";
import type { RunningEmulator } from "../../src/emulators/types.js";
import { PROVIDERS } from "../../src/providers/index.js";
import {
  type MoneyKitEmulatorOptions,
  startMoneyKitEmulator,
} from "../../src/providers/moneykit/emulator.js";
import { bodyOf, context, failure, receiver, shown, track } from "../helpers/api.js";

export { bodyOf, context, failure, receiver, shown };

export async function emulator(options: MoneyKitEmulatorOptions = {}): Promise<RunningEmulator> {
  const emu = await startMoneyKitEmulator(options);
  return track(emu);
}

/** The emulator's env without MONEYKIT_LINK_ID, so each test names its link. */
export function envOf(emu: RunningEmulator): Record<string, string | undefined> {
  return { ...emu.env, MONEYKIT_LINK_ID: undefined };
}

/** Verifies a delivery with the real verifier, keys fetched from the emulator's JWKS. */
export async function assertVerifies(emu: RunningEmulator, d: Delivery): Promise<void> {
  const keys = new RemoteJwks(`${emu.url}/.well-known/jwks.json`, {
    fetch,
    now: () => new Date(),
    maxAgeMs: 24 * 3_600_000,
    refetchIntervalMs: 5 * 60_000,
  });
  const verdict = await PROVIDERS.moneykit.verify(d, { at: new Date(), secrets: [], keys });
  assert.equal(verdict.verified, true, JSON.stringify(verdict.checks));
}

/** A bearer token straight from the emulator, for calls the client does not make (exchange, GET link). */
export async function emulatorToken(emu: RunningEmulator): Promise<string> {
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: emu.env.MONEYKIT_CLIENT_ID ?? "",
    client_secret: emu.env.MONEYKIT_CLIENT_SECRET ?? "",
  });
  const response = await fetch(`${emu.url}/auth/token`, { method: "POST", body: form });
  return ((await response.json()) as { access_token: string }).access_token;
}

export async function emulatorCall(
  emu: RunningEmulator,
  method: string,
  path: string,
  json?: unknown,
  token?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (json !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${emu.url}${path}`, {
    method,
    headers,
    ...(json !== undefined && { body: JSON.stringify(json) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

/** How many token requests the emulator answered. */
export const tokenRequests = (emu: RunningEmulator) =>
  emu.requests.filter((r) => r.method === "POST" && r.path === "/auth/token").length;
