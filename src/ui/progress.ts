import type { Context } from "../context.js";

export interface Progress {
  /** The step now under way. */
  step(text: string): void;
  /** A line to keep (a warning) without disturbing the spinner. */
  note(text: string): void;
  stop(): void;
}

/**
 * Whether a spinner can be drawn: a TTY with a known width. Ora redraws by clearing the lines it
 * wrote, computed from the width; a pty reporting 0 columns made it clear lines forever.
 */
export function canSpin(ctx: Context): boolean {
  return ctx.stderr.isTTY === true && (process.stderr.columns ?? 0) > 0;
}

/** An ora spinner on a TTY (never with --json); plain lines otherwise. Ora is loaded only then. */
export async function progress(ctx: Context, json: boolean): Promise<Progress> {
  if (json || !canSpin(ctx))
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
