import { randomBytes } from "node:crypto";
import type { HeaderPair } from "../core/delivery.js";

/** One HTTP attempt to build and send. */
export interface AttemptPayload {
  readonly headers: readonly HeaderPair[];
  readonly body: Uint8Array;
  /** The provider's id for this attempt's event (Dfns: a new one per retry). */
  readonly eventId?: string;
}

export interface RetryPolicy {
  /** When each attempt is due, in ms after the first (the first is 0). Its length is the maximum attempts. */
  readonly offsetsMs: readonly number[];
  /** Whether the receiver's status ends the job (Dfns: only 200; MoneyKit: any 2xx). */
  isSuccess(status: number): boolean;
  /** Whether a failure is final (PPS: a 4xx means rejected, not retried). Default: retry every failure. */
  isFinal?(status: number | null): boolean;
}

export interface DeliveryJob {
  readonly url: string;
  readonly event: string;
  readonly policy: RetryPolicy;
  /**
   * Builds attempt n (1-based); `previous` is the last attempt sent, for providers that chain retries.
   * Returning null cancels the job (e.g. Dfns: the webhook was disabled before a retry was due).
   */
  build(
    attempt: number,
    previous: AttemptRecord | undefined,
  ): Promise<AttemptPayload | null> | AttemptPayload | null;
}

export interface AttemptRecord {
  readonly jobId: string;
  readonly attempt: number;
  readonly url: string;
  readonly event: string;
  readonly eventId: string | null;
  readonly sentAt: Date;
  /** The receiver's status, or null when the request failed (error says why). */
  readonly status: number | null;
  readonly error: string | null;
  readonly durationMs: number;
  readonly headers: readonly HeaderPair[];
  readonly body: string;
  /** What became of the job after this attempt; "cancelled" records a retry the provider called off (nothing sent). */
  readonly outcome: "delivered" | "retry scheduled" | "gave up" | "rejected" | "cancelled";
}

export interface DeliveryEngineOptions {
  /** Multiplies every retry delay: 0.001 turns a minute into 60 ms (tests, demos). */
  readonly timeScale?: number;
  /** How long to wait for the receiver's answer. */
  readonly timeoutMs?: number;
  readonly now?: () => Date;
}

/**
 * Sends signed deliveries the way a provider does: attempt 1 now, retries on the provider's schedule
 * (scaled), each attempt recorded where tests and `emulate` can read it. Loopback or not, the URL is
 * whatever the user registered: the engine only POSTs to it.
 */
export class DeliveryEngine {
  readonly attempts: AttemptRecord[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #listeners = new Set<(record: AttemptRecord) => void>();
  readonly #inFlight = new Set<Promise<unknown>>();
  #closed = false;

  constructor(private readonly options: DeliveryEngineOptions = {}) {}

  get timeScale(): number {
    return this.options.timeScale ?? 1;
  }

  onAttempt(listener: (record: AttemptRecord) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Starts a job; resolves with the first attempt's record (Dfns ping answers with it). */
  start(job: DeliveryJob): Promise<AttemptRecord> {
    const jobId = `job_${randomBytes(6).toString("hex")}`;
    return this.#track(this.#attempt(jobId, job, 1, undefined, Date.now()));
  }

  /** Resolves once no attempt is in flight or scheduled. */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0 || this.#timers.size > 0) {
      if (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
      else await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Resolves when `count` attempts matching `filter` have been recorded. */
  waitFor(
    count: number,
    filter: (r: AttemptRecord) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<AttemptRecord[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const matching = this.attempts.filter(filter);
        if (matching.length >= count) {
          clearTimeout(timer);
          off();
          resolve(matching);
        }
      };
      const timer = setTimeout(() => {
        off();
        reject(
          new Error(`timed out waiting for ${count} attempts (have ${this.attempts.filter(filter).length})`),
        );
      }, timeoutMs);
      const off = this.onAttempt(check);
      check();
    });
  }

  /** Cancels scheduled retries. In-flight requests finish. Idempotent. */
  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #record(record: AttemptRecord): void {
    this.attempts.push(record);
    for (const listener of this.#listeners) listener(record);
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#inFlight.add(promise);
    void promise.finally(() => this.#inFlight.delete(promise)).catch(() => undefined);
    return promise;
  }

  async #attempt(
    jobId: string,
    job: DeliveryJob,
    attempt: number,
    previous: AttemptRecord | undefined,
    firstAt: number,
  ): Promise<AttemptRecord> {
    const payload = await job.build(attempt, previous);
    const sentAt = this.options.now?.() ?? new Date();
    if (payload === null) {
      const cancelled: AttemptRecord = {
        jobId,
        attempt,
        url: job.url,
        event: job.event,
        eventId: null,
        sentAt,
        status: null,
        error: "cancelled by the provider before sending",
        durationMs: 0,
        headers: [],
        body: "",
        outcome: "cancelled",
      };
      this.#record(cancelled);
      return cancelled;
    }
    const started = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(job.url, {
        method: "POST",
        headers: payload.headers.map(([name, value]) => [name, value] as [string, string]),
        body: payload.body,
        redirect: "manual",
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      status = response.status;
      await response.body?.cancel();
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      error = cause?.code ?? (err as Error).name ?? String(err);
    }
    const delivered = status !== null && job.policy.isSuccess(status);
    const final = !delivered && (job.policy.isFinal?.(status) ?? false);
    const nextOffset = job.policy.offsetsMs[attempt];
    const willRetry = !delivered && !final && nextOffset !== undefined && !this.#closed;
    const record: AttemptRecord = {
      jobId,
      attempt,
      url: job.url,
      event: job.event,
      eventId: payload.eventId ?? null,
      sentAt,
      status,
      error,
      durationMs: Math.round(performance.now() - started),
      headers: payload.headers,
      body: Buffer.from(payload.body).toString("utf8"),
      outcome: delivered ? "delivered" : final ? "rejected" : willRetry ? "retry scheduled" : "gave up",
    };
    this.#record(record);
    if (willRetry) {
      const dueAt = firstAt + nextOffset * this.timeScale;
      const timer = setTimeout(
        () => {
          this.#timers.delete(timer);
          void this.#track(this.#attempt(jobId, job, attempt + 1, record, firstAt));
        },
        Math.max(0, dueAt - Date.now()),
      );
      this.#timers.add(timer);
    }
    return record;
  }
}

/** MoneyKit, Bracken, Kopo Kopo, PointServices: any 2xx is delivered. */
export const is2xx = (status: number): boolean => status >= 200 && status < 300;

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Exponential backoff offsets (ms after the first attempt), doubling from `firstDelayMs`, within `horizonMs`. */
export function exponentialOffsets(firstDelayMs: number, horizonMs: number): number[] {
  const offsets = [0];
  for (let delay = firstDelayMs, at = firstDelayMs; at <= horizonMs; delay *= 2, at += delay)
    offsets.push(at);
  return offsets;
}

export const SCHEDULES = { MIN, HOUR, DAY: 24 * HOUR };
