import { randomUUID } from "node:crypto";
import type { DeliveryEngine, RetryPolicy } from "../../../emulators/delivery-engine.js";
import { is2xx } from "../../../emulators/delivery-engine.js";
import { MONEYKIT_DEFAULT_API_URL } from "../info.js";
import { type MoneyKitEvent, type MoneyKitEventFields, moneykitWebhookBody } from "../samples.js";
import { moneykitHeaders, signMoneyKit } from "../sign.js";
import type { KeyRing } from "./keyring.js";

export interface WebhookSenderOptions {
  readonly engine: DeliveryEngine;
  readonly keys: KeyRing;
  readonly now: () => Date;
  /** When each attempt is due (ms after the first); its length is the number of attempts. */
  readonly offsetsMs: readonly number[];
  /** The `MoneyKit-Delivery-Attempt` value of the first attempt (1 unless configured). */
  readonly firstAttemptNumber: number;
}

export interface WebhookTarget {
  readonly url: string;
  readonly linkId: string;
  readonly linkTags: readonly string[];
}

export interface SentWebhook {
  readonly deliveryToken: string;
  readonly idempotencyKey: string;
}

/**
 * Delivers MoneyKit webhooks through the emulator's one DeliveryEngine with MoneyKit's semantics
 * (providers.md, Delivery): any 2xx ends the job, everything else (other statuses, network errors)
 * is retried with exponential backoff for up to two hours. The body bytes are built once, so
 * `webhook_idempotency_key` and `webhook_timestamp` are identical on every attempt (seed 000: "not
 * regenerated for retries"), and so is `MoneyKit-Delivery-Token`; `MoneyKit-Delivery-Attempt`
 * counts up, and each attempt is signed afresh (iat now) with whatever key is current then.
 */
export class WebhookSender {
  readonly #policy: RetryPolicy;

  constructor(private readonly options: WebhookSenderOptions) {
    this.#policy = {
      offsetsMs: options.offsetsMs,
      isSuccess: is2xx,
    };
  }

  send<E extends MoneyKitEvent>(
    target: WebhookTarget,
    event: E,
    fields: MoneyKitEventFields[E],
    idempotencyKey: string = randomUUID(),
  ): SentWebhook {
    const { engine, keys, now, firstAttemptNumber } = this.options;
    const envelope = {
      idempotencyKey,
      timestamp: now().toISOString(),
      linkId: target.linkId,
      linkTags: target.linkTags,
    };
    const body = Buffer.from(JSON.stringify(moneykitWebhookBody(event, envelope, fields)));
    const deliveryToken = randomUUID();
    void engine
      .start({
        url: target.url,
        event,
        policy: this.#policy,
        build: async (attempt) => {
          const signature = await signMoneyKit(body, keys.current, {
            iat: Math.floor(now().getTime() / 1000),
            issuer: MONEYKIT_DEFAULT_API_URL,
          });
          return {
            headers: moneykitHeaders(signature, deliveryToken, firstAttemptNumber + attempt - 1),
            body,
            eventId: idempotencyKey,
          };
        },
      })
      .catch(() => undefined); // a failed attempt is recorded by the engine; nothing to surface here
    return { deliveryToken, idempotencyKey };
  }
}
