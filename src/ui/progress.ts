import type { Context } from "../context.js";

export interface Progress {
  /** The step now under way. */
  step(text: string): void;
  /** A line to keep (a warning) without disturbing the spinner. */
  note(text: string): void;
  stop(): void;
}

/** An ora spinner on a TTY (never with --json); plain silence otherwise. Ora is loaded only then. */
export async function progress(ctx: Context, json: boolean): Promise<Progress> {
  if (json || !ctx.stderr.isTTY)
    return { step: () => undefined, note: (text) => ctx.stderr.write(`${text}\n`), stop: () => undefined };
  const ora = (await import("ora")).default;
  const spinner = ora({ stream: process.stderr }).start();
  return {
    step: (text) => {
      spinner.text = text;
    },
    note: (text) => {
      spinner.clear();
      ctx.stderr.write(`${text}\n`);
      spinner.render();
    },
    stop: () => spinner.stop(),
  };
}
