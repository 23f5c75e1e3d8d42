import { randomBytes, randomUUID } from "node:crypto";
import { MONEYKIT_EVENTS } from "./info.js";

/** A MoneyKit event name (the real spellings; seed aliases are resolved before this point). */
export type MoneyKitEvent = (typeof MONEYKIT_EVENTS)[number];

/** providers.md, Link object: `state`. */
export type MoneyKitLinkState = "connecting" | "awaiting_token_exchange" | "connected" | "deleted" | "error";
/** providers.md, `link.product_refresh` → `state`. */
export type MoneyKitProductRefreshState = "pending" | "in_progress" | "completed" | "failed";
/** The products `POST /links/{id}/products` refreshes (providers.md names these four). */
export const MONEYKIT_PRODUCTS = ["accounts", "account_numbers", "identity", "transactions"] as const;
export type MoneyKitProduct = (typeof MONEYKIT_PRODUCTS)[number];

/** The fields each event carries after the common ones (providers.md, "Per event"). */
export interface MoneyKitEventFields {
  "link.state_changed": {
    readonly state: MoneyKitLinkState;
    readonly error?: string;
    readonly error_message?: string;
  };
  "link.product_refresh": {
    readonly product: MoneyKitProduct;
    readonly state: MoneyKitProductRefreshState;
    readonly state_changed_at: string;
    readonly error_message?: string;
  };
  "transactions.updates_available": {
    readonly has_history?: boolean;
  };
}

/** The fields common to every event that differ between deliveries. */
export interface MoneyKitEnvelope {
  readonly idempotencyKey: string;
  /** ISO date-time; not regenerated on retry (seed 000). */
  readonly timestamp: string;
  readonly linkId: string;
  readonly linkTags: readonly string[];
}

export function isMoneyKitEvent(name: string): name is MoneyKitEvent {
  return (MONEYKIT_EVENTS as readonly string[]).includes(name);
}

/**
 * A webhook body in MoneyKit's field order: the common fields (providers.md: `webhook_event`,
 * versions 1.0, idempotency key, timestamp, `link_id`, `link_tags`), then the event's own fields.
 */
export function moneykitWebhookBody<E extends MoneyKitEvent>(
  event: E,
  envelope: MoneyKitEnvelope,
  fields: MoneyKitEventFields[E],
): Record<string, unknown> {
  return {
    webhook_event: event,
    webhook_major_version: 1,
    webhook_minor_version: 0,
    webhook_idempotency_key: envelope.idempotencyKey,
    webhook_timestamp: envelope.timestamp,
    link_id: envelope.linkId,
    link_tags: [...envelope.linkTags],
    ...fields,
  };
}

/** Realistic per-event fields for a sample delivery at `at`. */
export const MONEYKIT_SAMPLE_FIELDS: { readonly [E in MoneyKitEvent]: (at: Date) => MoneyKitEventFields[E] } =
  {
    // Seed 000: the first webhook after linking says the link is connected.
    "link.state_changed": () => ({ state: "connected" }),
    "link.product_refresh": (at) => ({
      product: "transactions",
      state: "completed",
      state_changed_at: at.toISOString(),
    }),
    "transactions.updates_available": () => ({ has_history: true }),
  };

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A link id in MoneyKit's format: `mk_` and 22 base62 characters (e.g. mk_eqkWN34UEoa2NxyALG8pcV). */
export function moneykitLinkId(): string {
  const bytes = randomBytes(22);
  let id = "mk_";
  for (const byte of bytes) id += BASE62[byte % 62];
  return id;
}

/** A whole sample body for `event` at `at`, with a fresh link id and idempotency key unless given. */
export function moneykitSampleBody(
  event: MoneyKitEvent,
  at: Date,
  envelope: Partial<MoneyKitEnvelope> = {},
): Record<string, unknown> {
  const full: MoneyKitEnvelope = {
    idempotencyKey: envelope.idempotencyKey ?? randomUUID(),
    timestamp: envelope.timestamp ?? at.toISOString(),
    linkId: envelope.linkId ?? moneykitLinkId(),
    linkTags: envelope.linkTags ?? ["primary"],
  };
  switch (event) {
    case "link.state_changed":
      return moneykitWebhookBody(event, full, MONEYKIT_SAMPLE_FIELDS[event](at));
    case "link.product_refresh":
      return moneykitWebhookBody(event, full, MONEYKIT_SAMPLE_FIELDS[event](at));
    case "transactions.updates_available":
      return moneykitWebhookBody(event, full, MONEYKIT_SAMPLE_FIELDS[event](at));
  }
}
