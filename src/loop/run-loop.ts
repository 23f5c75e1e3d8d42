import { apiFailure } from "../api/errors.js";
import type { ApiContext, ProviderApi, RegisterInput, RegisterOutcome } from "../api/types.js";
import type { Delivery } from "../core/delivery.js";
import type { Diagnosis } from "../core/diagnosis.js";
import type { ProviderId } from "../core/provider-id.js";
import type { Verdict } from "../core/verdict.js";
import { WhtoolError } from "../errors.js";
import { PROVIDERS } from "../providers/index.js";

/** What the loop reads of a delivery the listener answered (listen's DeliveryEvent is one). */
export interface LoopDelivery {
  readonly delivery: Pick<Delivery, "id" | "receivedAt">;
  readonly verdict: Verdict;
  readonly status: number;
  readonly duplicateOf: string | null;
}

/** What the loop needs of a running listener (listen's LiveListener is one): loop sits beside listen, not above it. */
export interface LoopListener {
  readonly webhookUrl: string;
  readonly deliveries: readonly LoopDelivery[];
  waitFor(
    count: number,
    predicate: (event: LoopDelivery) => boolean,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<boolean>;
}

export interface LoopOptions {
  readonly provider: ProviderId;
  readonly live: LoopListener;
  readonly api: ProviderApi;
  readonly apiCtx: ApiContext;
  /** The trigger to ask for (default: the provider's). */
  readonly trigger?: string;
  readonly expect: number;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly register?: Partial<RegisterInput>;
  /** Undo the registration at the end (smoke: yes; listen --register: no). */
  readonly cleanup: boolean;
  /** Called between steps, for progress on a TTY. */
  readonly step?: (text: string) => void;
}

export interface ReceivedSummary {
  readonly id: string;
  readonly event: string | null;
  readonly verified: boolean;
  readonly reason: string | null;
  readonly failedCheck: string | null;
  readonly status: number;
  readonly duplicateOf: string | null;
  readonly deliveryHeaders: Readonly<Record<string, string>>;
  readonly diagnosis: readonly Diagnosis[];
}

export interface LoopReport {
  readonly provider: ProviderId;
  readonly passed: boolean;
  /** Why it failed, in one sentence; null when it passed. */
  readonly reason: string | null;
  readonly webhookUrl: string;
  readonly registered: { readonly action: string; readonly id: string | null } | null;
  readonly trigger: string | null;
  readonly expected: number;
  readonly verified: number;
  readonly received: readonly ReceivedSummary[];
  readonly timings: {
    readonly registerMs: number | null;
    readonly triggerMs: number | null;
    readonly firstDeliveryMs: number | null;
    readonly totalMs: number;
  };
  readonly cleanedUp: boolean | null;
  /** Exit code for a failure that was not about verification (3 config, 4 API, 5 tunnel). */
  readonly errorExitCode: number | null;
}

/** Verification failures that mean "not authentic", as opposed to our own setup problems. */
const isOwnProblem = (reason: string | null) => reason === "no_secret" || reason === "jwks_unavailable";

/**
 * Register the listener's URL, trigger an event, wait for `expect` verified deliveries of this
 * provider (stopping early at the first delivery that fails verification), then clean up.
 */
export async function runLoop(options: LoopOptions): Promise<LoopReport> {
  const started = performance.now();
  const startedAt = Date.now();
  const since = options.live.deliveries.length;
  const mine = (event: LoopDelivery) => event.verdict.provider === options.provider;
  const name = PROVIDERS[options.provider].info.name;
  let registered: RegisterOutcome | null = null;
  let registerMs: number | null = null;
  let triggerMs: number | null = null;
  let trigger: string | null = null;
  let reason: string | null = null;
  let errorExitCode: number | null = null;
  let cleanedUp: boolean | null = null;
  try {
    options.step?.(`registering ${options.live.webhookUrl} with ${name}`);
    const t0 = performance.now();
    registered = await options.api
      .register({ url: options.live.webhookUrl, ...options.register }, options.apiCtx)
      .catch((error: unknown) => {
        throw apiFailure(name, "register", error);
      });
    registerMs = Math.round(performance.now() - t0);

    trigger = options.trigger ?? options.api.defaultTrigger;
    options.step?.(`asking ${name} to send ${trigger}`);
    const t1 = performance.now();
    await options.api
      .trigger(options.api.loopTrigger(trigger, registered, options.live.webhookUrl), options.apiCtx)
      .catch((error: unknown) => {
        throw apiFailure(name, `trigger ${trigger}`, error);
      });
    triggerMs = Math.round(performance.now() - t1);

    options.step?.(
      `waiting for ${options.expect} verified ${name} ${options.expect === 1 ? "delivery" : "deliveries"}`,
    );
    const fresh = (event: LoopDelivery) => options.live.deliveries.indexOf(event) >= since && mine(event);
    // Whichever wait ends first (enough verified, or one that failed) cancels the other's timer.
    const done = new AbortController();
    const signal = AbortSignal.any([options.signal, done.signal]);
    await Promise.race([
      options.live.waitFor(options.expect, (e) => fresh(e) && e.verdict.verified, options.timeoutMs, signal),
      options.live.waitFor(1, (e) => fresh(e) && !e.verdict.verified, options.timeoutMs, signal),
    ]);
    done.abort();
  } catch (error) {
    if (!(error instanceof WhtoolError)) throw error;
    reason = `${error.message}${error.hint ? ` (${error.hint})` : ""}`;
    errorExitCode = error.exitCode;
  } finally {
    if (options.cleanup && registered && options.api.unregister) {
      cleanedUp = await options.api.unregister(registered, options.apiCtx).then(
        () => true,
        () => false,
      );
    }
  }

  const received = options.live.deliveries.slice(since).filter(mine).map(summarise);
  const verified = received.filter((r) => r.verified).length;
  const firstAt = options.live.deliveries.slice(since).find(mine)?.delivery.receivedAt;
  if (reason === null) {
    const bad = received.find((r) => !r.verified);
    if (bad)
      reason = `delivery ${bad.id} failed verification: ${bad.reason}${bad.failedCheck ? ` (${bad.failedCheck})` : ""}${
        isOwnProblem(bad.reason) ? " — check the secret / keys configuration" : ""
      }`;
    else if (verified < options.expect)
      reason = `${verified} of ${options.expect} verified ${name} deliveries within ${Math.round(options.timeoutMs / 1000)} s${
        options.signal.aborted ? " (interrupted)" : ""
      }`;
  }
  return {
    provider: options.provider,
    passed: reason === null,
    reason,
    webhookUrl: options.live.webhookUrl,
    registered: registered ? { action: registered.action, id: registered.id } : null,
    trigger,
    expected: options.expect,
    verified,
    received,
    timings: {
      registerMs,
      triggerMs,
      firstDeliveryMs: firstAt ? Math.max(0, firstAt.getTime() - startedAt) : null,
      totalMs: Math.round(performance.now() - started),
    },
    cleanedUp,
    errorExitCode,
  };
}

function summarise(event: LoopDelivery): ReceivedSummary {
  const failed = event.verdict.checks.find((check) => !check.ok);
  return {
    id: event.delivery.id,
    event: event.verdict.event,
    verified: event.verdict.verified,
    reason: event.verdict.reason,
    failedCheck: failed ? `${failed.name}: ${failed.detail}` : null,
    status: event.status,
    duplicateOf: event.duplicateOf,
    deliveryHeaders: event.verdict.deliveryHeaders,
    diagnosis: event.verdict.diagnosis,
  };
}
