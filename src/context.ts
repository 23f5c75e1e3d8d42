/** Everything a command touches of the outside world, injected so tests can run it in-process. */
export interface Output {
  write(chunk: string): unknown;
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

export function processContext(): Context {
  return {
    signal: shutdownSignal(),
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    now: () => new Date(),
    fetch: globalThis.fetch,
  };
}
