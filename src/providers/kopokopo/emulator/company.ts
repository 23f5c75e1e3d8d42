import { randomUUID } from "node:crypto";
import type { DeliveryEngine, RetryPolicy } from "../../../emulators/delivery-engine.js";
import { kopokopoBytes, kopokopoHeaders } from "../outbound.js";
import {
  darajaBody,
  isTillEvent,
  type KopoKopoEvent,
  type KopoKopoSampleContext,
  type KopoKopoWebhookBody,
  kopokopoResourceCollection,
  kopokopoSampleBody,
} from "../samples.js";

export type SubscriptionScope = "till" | "company";

export interface KopoKopoSubscription {
  readonly id: string;
  readonly eventType: KopoKopoEvent;
  readonly url: string;
  readonly scope: SubscriptionScope;
  /** The till number for till scope; null for company scope. */
  readonly scopeReference: string | null;
  readonly enableDarajaPayload: boolean;
  readonly status: "Active";
}

/** One delivery of an event: which subscription, and the body it got. */
export interface Fanout {
  readonly subscriptionId: string;
  readonly url: string;
}

/**
 * One Kopo Kopo company: its tills, webhook subscriptions, and the events and resources it emitted
 * (served back under `_links`). `emit` fans an event out to every matching subscription.
 */
export class KopoKopoCompany {
  readonly subscriptions = new Map<string, KopoKopoSubscription>();
  readonly events = new Map<string, KopoKopoWebhookBody>();
  readonly resources = new Map<
    string,
    { readonly collection: string; readonly resource: Record<string, unknown> }
  >();

  constructor(
    readonly tills: readonly string[],
    private readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly engine: DeliveryEngine,
    private readonly policy: RetryPolicy,
    private readonly now: () => Date,
  ) {}

  ownsTill(till: string): boolean {
    return this.tills.includes(till);
  }

  subscribe(fields: Omit<KopoKopoSubscription, "id" | "status">): KopoKopoSubscription {
    const subscription: KopoKopoSubscription = { id: randomUUID(), status: "Active", ...fields };
    this.subscriptions.set(subscription.id, subscription);
    return subscription;
  }

  /**
   * Emits `topic`: builds the event once (one id, one `_links.self`, the receivers' dedupe key) and
   * delivers it to every subscription of that type — till scope for that till, and company scope
   * ("company" covers every till of the company). Each retry resends the same bytes
   * (providers.md: duplicates are possible, dedupe on `_links.self`).
   */
  emit(
    topic: KopoKopoEvent,
    ctx: Omit<KopoKopoSampleContext, "at" | "baseUrl">,
  ): { body: KopoKopoWebhookBody; fanout: Fanout[] } {
    const at = this.now();
    const resourceId = ctx.resourceId ?? randomUUID();
    const body = kopokopoSampleBody(topic, { ...ctx, at, baseUrl: this.baseUrl, resourceId });
    this.events.set(body.id, body);
    this.resources.set(resourceId, {
      collection: kopokopoResourceCollection(topic),
      resource: body.event.resource,
    });

    const till = isTillEvent(topic) ? (ctx.tillNumber ?? this.tills[0]) : undefined;
    const fanout: Fanout[] = [];
    for (const sub of this.subscriptions.values()) {
      if (sub.eventType !== topic) continue;
      if (sub.scope === "till" && sub.scopeReference !== till) continue;
      const daraja =
        sub.enableDarajaPayload &&
        (topic === "buygoods_transaction_received" || topic === "b2b_transaction_received");
      this.send(sub.url, topic, daraja ? darajaBody(topic, body.event.resource, at) : body, body.id);
      fanout.push({ subscriptionId: sub.id, url: sub.url });
    }
    return { body, fanout };
  }

  /** Signs `payload` with the API key and hands it to the engine (the retries repeat these bytes). */
  send(url: string, event: string, payload: unknown, eventId: string): void {
    const bytes = kopokopoBytes(payload);
    const headers = kopokopoHeaders(bytes, this.apiKey);
    this.engine
      .start({ url, event, policy: this.policy, build: () => ({ headers, body: bytes, eventId }) })
      .catch(() => undefined);
  }
}

/** `GET <Location>`: the subscription in Kopo Kopo's JSON:API-style envelope. */
export function subscriptionBody(sub: KopoKopoSubscription): { data: Record<string, unknown> } {
  return {
    data: {
      id: sub.id,
      type: "webhook_subscription",
      attributes: {
        event_type: sub.eventType,
        webhook_uri: sub.url,
        status: sub.status,
        scope: sub.scope,
        scope_reference: sub.scopeReference,
      },
    },
  };
}
