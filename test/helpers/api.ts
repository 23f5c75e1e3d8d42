// Shared by the provider API tests: resources closed after the file, an ApiContext with its own
// state folder, and helpers to look at a WhtoolError the way a user sees it.
import assert from "node:assert/strict";
import { after } from "node:test";
import { StateFile } from "../../src/adapters/state.js";
import type { ApiContext } from "../../src/api/types.js";
import { WhtoolError } from "../../src/errors.js";
import { type Receiver, startReceiver } from "./receiver.js";
import { tempDir } from "./tmp.js";

const closers: (() => Promise<void>)[] = [];
after(async () => {
  await Promise.all(closers.map((close) => close()));
});

/** Closes `resource` (an emulator, a receiver…) when the test file ends. */
export function track<T extends { close(): Promise<void> }>(resource: T): T {
  closers.push(() => resource.close());
  return resource;
}

export async function receiver(statuses?: readonly number[]): Promise<Receiver> {
  return track(await startReceiver(statuses));
}

/** An ApiContext over `env`, with its own state folder; `said` collects ctx.say lines. */
export function context(env: Readonly<Record<string, string | undefined>>): ApiContext & { said: string[] } {
  const dir = tempDir("whtool-api-");
  const said: string[] = [];
  return {
    env,
    cwd: dir,
    now: () => new Date(),
    state: StateFile.in(dir),
    say: (line) => said.push(line),
    said,
  };
}

export const bodyOf = (d: { body: Uint8Array }) =>
  JSON.parse(Buffer.from(d.body).toString("utf8")) as Record<string, unknown>;

/** Runs `call`, expecting a WhtoolError; returns it for checks on exit code, message and hint. */
export async function failure(call: () => Promise<unknown>): Promise<WhtoolError> {
  try {
    await call();
  } catch (error) {
    assert.ok(error instanceof WhtoolError, `expected a WhtoolError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected the call to fail");
}

/** What a user sees of an error: message and hint. */
export const shown = (error: WhtoolError) => `${error.message}\n${error.hint ?? ""}`;

/** An env var an emulator must have set (a missing one fails the test, not a later call). */
export function envOf(emulator: { readonly env: Readonly<Record<string, string>> }, name: string): string {
  const value = emulator.env[name];
  assert.ok(value, `${name} in the emulator's env`);
  return value;
}
