import type { Context } from "../context.js";

export interface Progress {
  /** The step now under way. */
  step(text: string): void;
  /** A line to keep (a warning) without disturbing the spinner. */
  note(text: string): void;
  stop(): void;
}

/** The terminal behind the injected stderr: its width, when it is a real one. */
const columnsOf = (ctx: Pick<Context, "stderr">): number =>
  (ctx.stderr as { readonly columns?: number }).columns ?? 0;

/**
 * Whether a spinner can be drawn: a TTY with a known width. Ora redraws by clearing the lines it
 * wrote, computed from the width; a pty reporting 0 columns made it clear lines forever.
 */
export function canSpin(ctx: Pick<Context, "stderr">): boolean {
  return ctx.stderr.isTTY === true && columnsOf(ctx) > 0;
}

/** Ora on the injected stderr (only ever a TTY here); loaded only when a spinner is drawn. */
async function spinnerOn(ctx: Pick<Context, "stderr">, text?: string) {
  const ora = (await import("ora")).default;
  return ora({ stream: ctx.stderr as unknown as NodeJS.WritableStream, ...(text ? { text } : {}) }).start();
}

/** An ora spinner on a TTY (never with --json); plain lines otherwise. Ora is loaded only then. */
export async function progress(ctx: Context, json: boolean): Promise<Progress> {
  if (json || !canSpin(ctx))
    return { step: () => undefined, note: (text) => ctx.stderr.write(`${text}\n`), stop: () => undefined };
  const spinner = await spinnerOn(ctx);
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

/** A spinner for one task that ends in success or failure (the tunnel); nothing off a TTY or with --json. */
export interface TaskSpinner {
  succeed(text: string): void;
  fail(text: string): void;
}

export async function taskSpinner(
  ctx: Context,
  json: boolean,
  text: string,
): Promise<TaskSpinner | undefined> {
  if (json || !canSpin(ctx)) return undefined;
  const spinner = await spinnerOn(ctx, text);
  return { succeed: (done) => spinner.succeed(done), fail: (failed) => spinner.fail(failed) };
}
