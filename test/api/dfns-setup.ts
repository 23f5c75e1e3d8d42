// Shared setup for the Dfns API client tests: a fresh emulator, an ApiContext over a temporary folder,
// and assertions that a failure is a WhtoolError with the right exit code and no secret in it.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import type { TestContext } from "node:test";
import { StateFile } from "../../src/adapters/state.js";
import type { ApiContext } from "../../src/api/types.js";
import type { RunningEmulator } from "../../src/emulators/types.js";
import { WhtoolError } from "../../src/errors.js";
import { type DfnsEmulatorOptions, startDfnsEmulator } from "../../src/providers/dfns/emulator.js";
import { tempDir } from "../helpers/tmp.js";

export interface TestApiContext extends ApiContext {
  readonly said: string[];
}

export function apiContext(
  env: Readonly<Record<string, string | undefined>>,
  cwd = tempDir(),
): TestApiContext {
  const said: string[] = [];
  return { env, cwd, now: () => new Date(), state: StateFile.in(cwd), say: (line) => said.push(line), said };
}

export async function dfnsEmulator(
  t: TestContext,
  options: DfnsEmulatorOptions = {},
): Promise<RunningEmulator> {
  const emu = await startDfnsEmulator(options);
  t.after(() => emu.close());
  return emu;
}

/** The WhtoolError `promise` rejects with, checked for its exit code and for none of `secrets`. */
export async function failure(
  promise: Promise<unknown>,
  exitCode: number,
  secrets: readonly string[] = [],
): Promise<WhtoolError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof WhtoolError, `expected a WhtoolError, got ${String(error)}`);
    assert.equal(error.exitCode, exitCode, `${error.message} / ${error.hint ?? ""}`);
    for (const secret of secrets) {
      assert.ok(!error.message.includes(secret), "a secret is in the message");
      assert.ok(!(error.hint ?? "").includes(secret), "a secret is in the hint");
    }
    return error;
  }
  assert.fail("expected a failure");
}

export interface StateOnDisk {
  readonly secrets: { provider: string; id: string; url: string; secret: string }[];
}

export async function stateOnDisk(ctx: ApiContext): Promise<StateOnDisk> {
  return JSON.parse(await readFile(ctx.state.path, "utf8")) as StateOnDisk;
}

/** The emulator's control endpoints (no auth). */
export async function control(emu: RunningEmulator, path: string, body: object = {}): Promise<unknown> {
  const response = await fetch(`${emu.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 200, `${path}: ${response.status}`);
  return response.json();
}

/** GET /webhooks straight from the emulator, to check what Dfns holds. */
export async function listedWebhooks(
  emu: RunningEmulator,
): Promise<{ id: string; url: string; events: string[] }[]> {
  const response = await fetch(`${emu.url}/webhooks`, {
    headers: { authorization: `Bearer ${emu.env.DFNS_AUTH_TOKEN ?? ""}` },
  });
  assert.equal(response.status, 200);
  return ((await response.json()) as { items: { id: string; url: string; events: string[] }[] }).items;
}
