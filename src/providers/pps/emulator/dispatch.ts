import { randomInt, randomUUID } from "node:crypto";
import { utf8 } from "../../../core/bytes.js";
import type { HeaderPair } from "../../../core/delivery.js";
import {
  type AttemptRecord,
  type DeliveryEngine,
  exponentialOffsets,
  is2xx,
  type RetryPolicy,
  SCHEDULES,
} from "../../../emulators/delivery-engine.js";
import { type PpsEventEnvelope, randomSampleContext, signPpsDelivery } from "../outbound.js";
import { isPpsTopic, ppsSample } from "../samples.js";
import { formatTriggeredAt } from "../sign.js";
import type { PpsIssuer } from "./issuer.js";
import type { PpsEventKey, PpsSubscription } from "./subscriptions.js";

/**
 * providers.md: a receiver's 5xx is retried "with exponential backoff (schedule *unknown*)". Assumed
 * default: doubling from 1 minute while within 24 hours — 0, 1, 3, 7, 15, 31, 63, 127, 255, 511 and
 * 1023 minutes (11 attempts). Override with the emulator's `retryOffsetsMs` option.
 */
export const PPS_DEFAULT_RETRY_OFFSETS_MS: readonly number[] = exponentialOffsets(
  SCHEDULES.MIN,
  SCHEDULES.DAY,
);

/**
 * 2xx delivers. A 4xx is final: 403 is how a receiver says verification failed (PPS guide), and any
 * other 4xx is taken as a rejection too. A 5xx, a 3xx or no answer is retried on the schedule.
 */
export function ppsRetryPolicy(offsetsMs: readonly number[]): RetryPolicy {
  return {
    offsetsMs,
    isSuccess: is2xx,
    isFinal: (status) => status !== null && status >= 400 && status < 500,
  };
}

/** Attempt n signs a fresh token with the issuer's current key at the emulator's time; the event stays the same. */
export function startDelivery(
  engine: DeliveryEngine,
  issuer: PpsIssuer,
  now: () => Date,
  url: string,
  policy: RetryPolicy,
  envelope: PpsEventEnvelope,
): Promise<AttemptRecord> {
  return engine.start({
    url,
    event: envelope.topic,
    policy,
    build: () => signPpsDelivery(issuer.signer, envelope, now()),
  });
}

export interface TriggeredEvent extends PpsEventKey {
  /** Caller's event body; undefined: a sample for the topic. */
  readonly data?: unknown;
}

/** One envelope per matching subscription (the caller resolved the sub-topic): its tenant, its own webhook id, one Triggered-At for all. */
export function envelopesFor(
  event: TriggeredEvent,
  subscriptions: readonly PpsSubscription[],
  at: Date,
): { subscription: PpsSubscription; envelope: PpsEventEnvelope }[] {
  const triggeredAt = formatTriggeredAt(at, randomInt(10_000));
  const known = isPpsTopic(event.topic) ? event.topic : undefined;
  const subTopic = event.subTopic;
  // The same order for every subscriber; only the tenant differs.
  const ids = randomSampleContext("", at, subTopic ?? "");
  return subscriptions.map((subscription) => {
    const data =
      event.data !== undefined
        ? event.data
        : known
          ? ppsSample(known, { ...ids, tenantId: subscription.tenantId })
          : undefined;
    return {
      subscription,
      envelope: {
        topic: event.topic,
        ...(subTopic === undefined ? {} : { subTopic }),
        tenantId: subscription.tenantId,
        webhookId: randomUUID(),
        triggeredAt,
        body: utf8(JSON.stringify(data ?? {})),
      },
    };
  });
}

const STANDARD = new Set([
  "x-pps-topic",
  "x-pps-sub-topic",
  "x-pps-tenant-id",
  "x-pps-webhook-id",
  "x-pps-triggered-at",
]);

/** `x-pps-order-source` → `X-Pps-Order-Source` (Node lower-cases incoming header names). */
const headerCase = (name: string) =>
  name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());

/** X-Pps-* headers a test-webhook caller sent beyond the five the delivery sets itself. */
export function extraPpsHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): HeaderPair[] {
  const out: HeaderPair[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith("x-pps-") || STANDARD.has(name) || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push([headerCase(name), v]);
  }
  return out;
}
