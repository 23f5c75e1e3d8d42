/** Everything a command touches of the outside world, injected so tests can run it in-process. */
export interface Output {
  /** Bytes only where a command promises exact bytes (`show --raw`); text everywhere else. */
  write(chunk: string | Uint8Array): unknown;
  readonly isTTY?: boolean;
}

export interface Context {
  /** process.env merged with .env (the environment wins). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdout: Output;
  readonly stderr: Output;
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  now(): Date;
  readonly fetch: typeof fetch;
  /** Aborted on Ctrl-C / SIGTERM: long-running commands (listen, emulate) drain and exit 0. */
  readonly signal: AbortSignal;
}

/** Turns the first SIGINT or SIGTERM into an abort; a second one exits at once. */
function shutdownSignal(): AbortSignal {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(name);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return controller.signal;
}

/**
 * A process stream that goes quiet once its reader has gone (`whtool verify --json | head -1`).
 * Node ignores SIGPIPE, so a write to a closed pipe fails with EPIPE, emitted as an 'error' event
 * that would otherwise crash the process with a stack trace. Like ripgrep, whtool then stops
 * writing and carries on quietly: one-shot commands finish and exit with the code they would have
 * had (so `set -o pipefail` still learns whether every delivery verified), and `listen` keeps
 * capturing deliveries with its output off. Any other stream error is not ours to hide.
 */
export function quietWhenClosed(stream: NodeJS.WriteStream): Output {
  let closed = false;
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    closed = true;
  });
  return {
    write: (chunk: string | Uint8Array) => (closed || stream.destroyed ? false : stream.write(chunk)),
    get isTTY() {
      return stream.isTTY;
    },
  };
}

export function processContext(): Context {
  return {
    signal: shutdownSignal(),
    env: process.env,
    cwd: process.cwd(),
    stdout: quietWhenClosed(process.stdout),
    stderr: quietWhenClosed(process.stderr),
    // A getter: touching process.stdin builds a stream (a few ms of start-up) most commands never read.
    get stdin() {
      return process.stdin;
    },
    now: () => new Date(),
    fetch: globalThis.fetch,
  };
}
