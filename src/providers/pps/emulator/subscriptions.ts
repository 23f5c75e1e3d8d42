import { randomUUID } from "node:crypto";
import { httpUrl, invalid } from "./problem.js";

/**
 * PointServices has no public registration API (you give your account representative the URL, topics,
 * sub-topics and tenant id — providers.md); the emulator keeps what the representative would set up.
 */
export interface PpsSubscription {
  readonly id: string;
  readonly url: string;
  readonly topics: readonly string[];
  /** null: every sub-topic of the subscribed topics. */
  readonly subTopics: readonly string[] | null;
  readonly tenantId: string;
  readonly createdAt: string;
}

/** What an event matches subscriptions on. */
export interface PpsEventKey {
  readonly topic: string;
  readonly subTopic?: string;
  /** Undefined: every tenant's subscriptions. */
  readonly tenantId?: string;
}

/** `orders/placed`: a lower-case noun, a slash, a lower-case verb. */
export const TOPIC = /^[a-z][a-z0-9-]*\/[a-z][a-z0-9-]*$/;

function stringList(value: unknown, field: string, pattern?: RegExp): string[] {
  if (!Array.isArray(value) || value.length === 0)
    throw invalid(field, `The ${field} field must be a non-empty array of strings.`);
  const out: string[] = [];
  for (const item of value) {
    if (typeof item !== "string" || item === "" || (pattern && !pattern.test(item)))
      throw invalid(field, `The ${field} field has an invalid entry: ${JSON.stringify(item)}.`);
    if (!out.includes(item)) out.push(item);
  }
  return out;
}

export function nonEmptyString(value: unknown, field: string): string {
  if (typeof value !== "string" || value.trim() === "")
    throw invalid(field, `The ${field} field is required.`);
  return value;
}

export class SubscriptionStore {
  readonly #byId = new Map<string, PpsSubscription>();

  constructor(private readonly now: () => Date) {}

  /** Validates `{url, topics, subTopics?, tenantId}`; throws a 400 problem naming the bad field. */
  add(body: Record<string, unknown>): PpsSubscription {
    const url = httpUrl(body.url);
    if (url === undefined) throw invalid("url", "The url field must be an absolute http(s) URL.");
    const topics = stringList(body.topics, "topics", TOPIC);
    const subTopics =
      body.subTopics === undefined || body.subTopics === null
        ? null
        : stringList(body.subTopics, "subTopics");
    const tenantId = nonEmptyString(body.tenantId, "tenantId");
    const subscription: PpsSubscription = {
      id: randomUUID(),
      url,
      topics,
      subTopics,
      tenantId,
      createdAt: this.now().toISOString(),
    };
    this.#byId.set(subscription.id, subscription);
    return subscription;
  }

  list(): PpsSubscription[] {
    return [...this.#byId.values()];
  }

  remove(id: string): boolean {
    return this.#byId.delete(id);
  }

  /** Subscriptions to the topic, for the tenant (when given), whose sub-topic filter admits the event. */
  matching(event: PpsEventKey): PpsSubscription[] {
    return this.list().filter(
      (s) =>
        s.topics.includes(event.topic) &&
        (event.tenantId === undefined || s.tenantId === event.tenantId) &&
        (s.subTopics === null || (event.subTopic !== undefined && s.subTopics.includes(event.subTopic))),
    );
  }
}
