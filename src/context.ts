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
}

export function processContext(): Context {
  return {
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    now: () => new Date(),
    fetch: globalThis.fetch,
  };
}
