import type { ProviderId } from "../core/provider-id.js";
import { networkError, usageError } from "../errors.js";
import { isLoopback } from "./client-credentials.js";
import type { TriggerOutcome } from "./types.js";

/**
 * On whtool's own emulator any sample event can be sent (`POST /_emulator/events`, which every
 * emulator takes as `{"event": NAME}`), where the real API only has its few test triggers.
 * `base` is the API base URL the environment points at; a real API is never loopback.
 */
export async function triggerOnEmulator(
  provider: ProviderId,
  base: string,
  event: string,
  apiTriggers: string,
): Promise<TriggerOutcome> {
  if (!isLoopback(base))
    throw usageError(
      `the ${provider} API has no trigger for "${event}"`,
      `use one of: ${apiTriggers}. Any event can be sent on whtool's emulator (whtool emulate --provider ${provider} --detach), or with whtool send --provider ${provider} --event ${event} --to URL`,
    );
  const url = `${base.replace(/\/+$/, "")}/_emulator/events`;
  let answer: Response;
  try {
    answer = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ event }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw networkError(
      `no answer from the emulator at ${base}: ${(error as Error).message}`,
      "is whtool emulate still running?",
    );
  }
  const text = await answer.text();
  if (answer.status === 404 && !text.includes("event"))
    throw usageError(
      `${base} is not whtool's ${provider} emulator (no /_emulator/events)`,
      `use one of: ${apiTriggers}`,
    );
  if (!answer.ok)
    throw usageError(`the emulator refused event "${event}": HTTP ${answer.status}: ${text.slice(0, 300)}`);
  let details: Record<string, unknown> = {};
  try {
    details = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // an emulator always answers JSON; keep the outcome usable anyway
  }
  return {
    provider,
    trigger: event,
    message: `the ${provider} emulator sent ${event} to every webhook subscribed to it (signed, with the provider's retries)`,
    details,
  };
}
