/** Exit codes, as documented in SPEC.md and the README. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  config: 3,
  network: 4,
  tunnel: 5,
  internal: 70,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the user can act on: a stable code, an exit code and a hint saying what to do next. */
export class WhtoolError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: ExitCode,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "WhtoolError";
  }
}

export const usageError = (message: string, hint?: string) =>
  new WhtoolError("usage", message, EXIT.usage, hint);
export const configError = (message: string, hint?: string) =>
  new WhtoolError("config", message, EXIT.config, hint);
export const networkError = (message: string, hint?: string) =>
  new WhtoolError("network", message, EXIT.network, hint);
export const tunnelError = (message: string, hint?: string) =>
  new WhtoolError("tunnel", message, EXIT.tunnel, hint);
