import { makeScratchDir, removeScratchDir } from "../adapters/scratch-dir.js";
import type { Context } from "../context.js";
import type { ProviderId } from "../core/provider-id.js";
import type { RunningEmulator } from "../emulators/types.js";
import { PROVIDERS } from "../providers/index.js";

/** Retries of the emulated providers run 1000× faster: a minute takes 60 ms. */
export const DEMO_TIME_SCALE = 0.001;

export interface Emulated {
  /** The context whose env points at the emulators, with a scratch working folder for state and caches. */
  readonly ctx: Context;
  readonly emulators: readonly RunningEmulator[];
  close(): Promise<void>;
}

/**
 * Starts emulators and a context pointing at them. The emulators' env wins over the user's (their
 * URLs and credentials are the point), and the scratch folder keeps the emulators' secrets out of
 * the user's own .whtool/state.json.
 */
export async function startEmulated(ctx: Context, providers: readonly ProviderId[]): Promise<Emulated> {
  const emulators: RunningEmulator[] = [];
  const scratch = makeScratchDir("whtool-emulated-");
  try {
    for (const provider of providers)
      emulators.push(await (await PROVIDERS[provider].emulator())({ timeScale: DEMO_TIME_SCALE }));
  } catch (error) {
    await Promise.all(emulators.map((e) => e.close()));
    removeScratchDir(scratch);
    throw error;
  }
  const env = Object.assign({ ...ctx.env }, ...emulators.map((e) => e.env));
  return {
    ctx: { ...ctx, env, cwd: scratch },
    emulators,
    close: async () => {
      await Promise.all(emulators.map((e) => e.close()));
      removeScratchDir(scratch);
    },
  };
}
