// Webhook events: raising them, delivering them through the DeliveryEngine with Dfns' retry rules, and
// keeping each attempt as the Webhook Event List Webhook Events shows (providers.md, Dfns; dfns-api-docs
// api-docs/webhooks/README.md "Webhook Event Deliveries & Retries").
import { STATUS_CODES } from "node:http";
import type { AttemptRecord, DeliveryEngine, RetryPolicy } from "../../../emulators/delivery-engine.js";
import { SCHEDULES } from "../../../emulators/delivery-engine.js";
import { type DfnsEventPayload, signedDfnsDelivery } from "../outbound.js";
import { DFNS_PING_KIND, dfnsId, dfnsSampleData } from "../samples.js";
import type { Webhook, WebhookStore } from "./webhooks.js";

/**
 * providers.md: anything other than 200 fails (a 201 or 204 too); up to 5 attempts, at 1 min, 12 min,
 * 2 h and 1 day after the first.
 */
export const DFNS_RETRY_POLICY: RetryPolicy = {
  offsetsMs: [0, SCHEDULES.MIN, 12 * SCHEDULES.MIN, 2 * SCHEDULES.HOUR, SCHEDULES.DAY],
  isSuccess: (status) => status === 200,
};

/** A ping is one attempt, never retried, never stored (ping-webhook docs). */
const PING_POLICY: RetryPolicy = { offsetsMs: [0], isSuccess: (status) => status === 200 };

/** One delivery attempt as List Webhook Events returns it. */
export interface StoredEvent extends DfnsEventPayload {
  /** The receiver's HTTP status as a string, or the network error code when it could not be reached. */
  readonly status: string;
  readonly error?: string;
  readonly deliveryFailed: boolean;
  /** When the next attempt is due (absent once delivered, given up or cancelled). */
  nextAttemptDate?: string;
}

export interface RaisedDelivery {
  readonly webhookId: string;
  readonly url: string;
  /** The first attempt's event id. */
  readonly eventId: string;
}

export class DfnsEvents {
  /** webhook id → its events, oldest first. */
  readonly #byWebhook = new Map<string, StoredEvent[]>();
  /** event id → the webhook it is being delivered to (set while an attempt is in flight). */
  readonly #inFlight = new Map<string, { webhookId: string; payload: DfnsEventPayload }>();
  /** job id → when its first attempt went out (emulator clock), for nextAttemptDate. */
  readonly #firstSent = new Map<string, number>();

  constructor(
    private readonly engine: DeliveryEngine,
    private readonly webhooks: WebhookStore,
    private readonly now: () => Date,
  ) {
    engine.onAttempt((record) => this.#recordAttempt(record));
  }

  /** Raises an event of `kind` and starts delivering it to every enabled webhook subscribed to it. */
  raise(
    kind: string,
    data?: Readonly<Record<string, unknown>>,
  ): { date: string; deliveries: RaisedDelivery[] } {
    const at = this.now();
    const date = at.toISOString();
    const eventData = data ?? dfnsSampleData(kind, { at });
    const deliveries = this.webhooks
      .subscribers(kind)
      .map((hook) => this.#deliver(hook, kind, date, eventData));
    return { date, deliveries };
  }

  /** POST /webhooks/{id}/ping: one attempt of a `ping` event; answers the receiver's status as a string. */
  async ping(hook: Webhook): Promise<{ status: string; error?: string }> {
    const at = this.now();
    const record = await this.engine.start({
      url: hook.url,
      event: DFNS_PING_KIND,
      policy: PING_POLICY,
      build: () =>
        signedDfnsDelivery(
          {
            id: dfnsId("whe"),
            date: at.toISOString(),
            kind: DFNS_PING_KIND,
            data: dfnsSampleData(DFNS_PING_KIND, { at }),
            timestampSent: unixSeconds(this.now()),
            deliveryAttempt: 1,
          },
          hook.secret,
        ),
    });
    const error = describeFailure(record);
    return error === undefined ? { status: statusOf(record) } : { status: statusOf(record), error };
  }

  /** A webhook's stored events, newest first, filtered as List Webhook Events allows. */
  list(webhookId: string, filter: { kind?: string; deliveryFailed?: boolean }): StoredEvent[] {
    return (this.#byWebhook.get(webhookId) ?? [])
      .filter((e) => filter.kind === undefined || e.kind === filter.kind)
      .filter((e) => filter.deliveryFailed === undefined || e.deliveryFailed === filter.deliveryFailed)
      .reverse();
  }

  find(webhookId: string, eventId: string): StoredEvent | undefined {
    return this.#byWebhook.get(webhookId)?.find((e) => e.id === eventId);
  }

  /** Deleting a webhook discards its events (its retries stop when they find it gone). */
  forget(webhookId: string): void {
    this.#byWebhook.delete(webhookId);
  }

  #deliver(
    hook: Webhook,
    kind: string,
    date: string,
    data: Readonly<Record<string, unknown>>,
  ): RaisedDelivery {
    const firstId = dfnsId("whe");
    const webhookId = hook.id;
    const webhooks = this.webhooks;
    void this.engine
      .start({
        // Read at every attempt: a retry goes to the webhook's url of the moment (PUT may change it).
        get url() {
          return webhooks.find(webhookId)?.url ?? hook.url;
        },
        event: kind,
        policy: DFNS_RETRY_POLICY,
        build: (attempt, previous) => {
          const current = this.webhooks.find(webhookId);
          // Dfns docs: a webhook disabled or deleted when a retry is due gets no more retries of that event.
          if (attempt > 1 && current?.status !== "Enabled") {
            this.#cancelNextAttempt(webhookId, previous);
            return null;
          }
          const payload: DfnsEventPayload = {
            id: attempt === 1 ? firstId : dfnsId("whe"),
            date,
            kind,
            data,
            timestampSent: unixSeconds(this.now()),
            deliveryAttempt: attempt,
            // providers.md: each retry is a new event whose retryOf is the previous attempt's id.
            ...(previous?.eventId ? { retryOf: previous.eventId } : {}),
          };
          this.#inFlight.set(payload.id, { webhookId, payload });
          return signedDfnsDelivery(payload, (current ?? hook).secret);
        },
      })
      .catch(() => undefined);
    return { webhookId, url: hook.url, eventId: firstId };
  }

  #recordAttempt(record: AttemptRecord): void {
    if (record.attempt === 1) this.#firstSent.set(record.jobId, record.sentAt.getTime());
    const firstSent = this.#firstSent.get(record.jobId) ?? record.sentAt.getTime();
    if (record.outcome !== "retry scheduled") this.#firstSent.delete(record.jobId);
    const flight = record.eventId === null ? undefined : this.#inFlight.get(record.eventId);
    if (!flight || record.eventId === null) return; // a ping: not stored
    this.#inFlight.delete(record.eventId);
    if (!this.webhooks.find(flight.webhookId)) return; // deleted while the attempt was in flight
    const events = this.#byWebhook.get(flight.webhookId) ?? [];
    const error = describeFailure(record);
    const nextOffset = DFNS_RETRY_POLICY.offsetsMs[record.attempt];
    const stored: StoredEvent = {
      ...flight.payload,
      status: statusOf(record),
      ...(error === undefined ? {} : { error }),
      deliveryFailed: record.outcome !== "delivered",
      ...(record.outcome === "retry scheduled" && nextOffset !== undefined
        ? { nextAttemptDate: new Date(firstSent + nextOffset * this.engine.timeScale).toISOString() }
        : {}),
    };
    events.push(stored);
    this.#byWebhook.set(flight.webhookId, events);
  }

  #cancelNextAttempt(webhookId: string, previous: AttemptRecord | undefined): void {
    if (!previous) return;
    this.#firstSent.delete(previous.jobId);
    const event = previous.eventId === null ? undefined : this.find(webhookId, previous.eventId);
    if (event) delete event.nextAttemptDate;
  }
}

/** ping-webhook docs: "a http status code (eg "200" or "500") if your server responded, or another error code otherwise". */
function statusOf(record: AttemptRecord): string {
  return record.status === null ? (record.error ?? "ERROR") : String(record.status);
}

function describeFailure(record: AttemptRecord): string | undefined {
  if (record.status === 200) return undefined;
  if (record.status === null) return `Could not reach the webhook url (${record.error ?? "network error"})`;
  return STATUS_CODES[record.status] ?? `HTTP ${record.status}`;
}

function unixSeconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}
