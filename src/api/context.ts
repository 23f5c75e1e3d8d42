import { StateFile } from "../adapters/state.js";
import type { Context } from "../context.js";
import type { ApiContext } from "./types.js";

export function apiContext(ctx: Context, quiet: boolean): ApiContext {
  return {
    env: ctx.env,
    cwd: ctx.cwd,
    now: () => ctx.now(),
    state: StateFile.in(ctx.cwd),
    say: (line) => {
      if (!quiet) ctx.stderr.write(`${line}\n`);
    },
  };
}
