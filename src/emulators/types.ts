import type { ProviderId } from "../core/provider-id.js";
import type { DeliveryEngine } from "./delivery-engine.js";
import type { RequestLogEntry, ServerHandle } from "./router.js";

export interface EmulatorOptions {
  /** 0 (default) picks a free port. Always bound to 127.0.0.1. */
  readonly port?: number;
  /** Retry delays multiplied by this (1 = the provider's real schedule). */
  readonly timeScale?: number;
  /** The emulator's clock (token expiry, timestamps in payloads). */
  readonly now?: () => Date;
}

export interface RunningEmulator {
  readonly provider: ProviderId;
  /** Base URL, e.g. http://127.0.0.1:43121 */
  readonly url: string;
  /**
   * Environment variables (with generated credentials) that point whtool at this emulator,
   * e.g. DFNS_API_URL, DFNS_AUTH_TOKEN… (SPEC: emulate).
   */
  readonly env: Readonly<Record<string, string>>;
  /** Every webhook attempt the emulator made. */
  readonly engine: DeliveryEngine;
  /** Every API request it answered. */
  readonly requests: readonly RequestLogEntry[];
  /** Stops retries and the server. Idempotent. */
  close(): Promise<void>;
}

export type StartEmulator = (options?: EmulatorOptions) => Promise<RunningEmulator>;

/** The handle every emulator returns: its server, its engine, the env that points whtool at it. */
export function runningEmulator<Extra extends object = object>(
  provider: ProviderId,
  server: ServerHandle,
  engine: DeliveryEngine,
  env: Readonly<Record<string, string>>,
  extra?: Extra,
): RunningEmulator & Extra {
  let closing: Promise<void> | undefined;
  return {
    ...(extra as Extra),
    provider,
    url: server.url,
    env,
    engine,
    requests: server.log,
    close: () => {
      closing ??= (async () => {
        engine.close();
        await server.close();
      })();
      return closing;
    },
  };
}

/** Whether a string is an absolute http(s) URL (webhook targets). */
export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}
