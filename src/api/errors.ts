import { configError, networkError, type WhtoolError } from "../errors.js";
import { ApiError } from "./http.js";

/** Missing credentials: exit 3 naming every variable still to set. */
export function requireEnv(
  env: Readonly<Record<string, string | undefined>>,
  names: readonly string[],
  what: string,
): Record<string, string> {
  const missing = names.filter((name) => !env[name]);
  if (missing.length > 0)
    throw configError(
      `${what} needs ${missing.join(", ")}`,
      `set ${missing.length === 1 ? "it" : "them"} in the environment or .env (whtool emulate prints a working set for the local emulator)`,
    );
  return Object.fromEntries(names.map((name) => [name, env[name] as string]));
}

const NEXT_STEP: Record<number, string> = {
  400: "the request was refused as invalid: check the flags you gave",
  401: "check the credentials: they are wrong, expired or for another environment",
  403: "the credentials are not allowed to do this (permissions, sandbox vs production)",
  404: "check the id: it does not exist for these credentials",
  409: "it already exists: update it instead, or choose another name",
  410: "it was deleted: create a new one",
  422: "the provider could not process the values given: check them",
  429: "rate limited: wait before trying again",
};

/** An API error as the user sees it: exit 4 with the provider's own message and a next step. */
export function apiFailure(
  name: string,
  action: string,
  error: unknown,
  hints: Partial<Record<number, string>> = {},
): WhtoolError {
  if (error instanceof ApiError) {
    const step =
      hints[error.status] ??
      NEXT_STEP[error.status] ??
      (error.status >= 500 ? `${name} had a server error: try again later` : "see the message above");
    return networkError(`${name} ${action} failed: HTTP ${error.status}: ${error.providerMessage}`, step);
  }
  return error as WhtoolError;
}
