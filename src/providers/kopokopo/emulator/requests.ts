import { isRecord } from "../../../core/json-body.js";
import { type EmuRequest, jsonBody } from "../../../emulators/router.js";
import { isHttpUrl } from "../../../emulators/types.js";
import {
  isKopoKopoEvent,
  isTillEvent,
  KOPOKOPO_EVENTS,
  type KopoKopoEvent,
  type KopoKopoPayer,
} from "../samples.js";
import type { KopoKopoCompany, SubscriptionScope } from "./company.js";
import { apiError } from "./errors.js";
import { callbackUrl, kesAmount, phoneNumber } from "./fields.js";

/**
 * Request validation for the Kopo Kopo emulator. The rules are the official SDKs' own checks
 * (k2-connect-python WebhookSubscriptionRequest, k2-connect-ruby WebhookSubscriptionRequest:
 * event type in the list, scope till|company, scope_reference required for till scope, Daraja
 * payloads only for buy-goods and B2B) plus what the API must enforce for itself: company-only
 * events cannot be scoped to one till, and a till must belong to the company. Messages are inferred.
 */

/** k2-connect-python DARAJA_PAYLOAD_SUPPORTED_EVENTS. */
const DARAJA_EVENTS: readonly KopoKopoEvent[] = ["buygoods_transaction_received", "b2b_transaction_received"];

export function readJson(req: EmuRequest): Record<string, unknown> {
  return jsonBody(req, (message) => ({ error_code: 400, error_message: message }));
}

export interface SubscriptionRequest {
  readonly eventType: KopoKopoEvent;
  readonly url: string;
  readonly scope: SubscriptionScope;
  readonly scopeReference: string | null;
  readonly enableDarajaPayload: boolean;
}

export function parseSubscription(
  body: Record<string, unknown>,
  company: KopoKopoCompany,
): SubscriptionRequest {
  const eventType = body.event_type;
  if (typeof eventType !== "string" || eventType === "") throw apiError(400, "Event type can't be blank");
  if (!isKopoKopoEvent(eventType))
    throw apiError(
      400,
      `Event type '${eventType}' is invalid; expected one of ${KOPOKOPO_EVENTS.join(", ")}`,
    );
  const url = body.url;
  if (typeof url !== "string" || url === "") throw apiError(400, "Url can't be blank");
  if (!isHttpUrl(url)) throw apiError(400, "Url is not a valid url");
  const scope = body.scope;
  if (scope !== "till" && scope !== "company")
    throw apiError(400, "Scope must be one of 'till' or 'company'");
  if (scope === "till" && !isTillEvent(eventType))
    throw apiError(400, `Event type '${eventType}' can only be subscribed to with company scope`);
  let scopeReference: string | null = null;
  if (scope === "till") {
    const ref = body.scope_reference;
    if ((typeof ref !== "string" && typeof ref !== "number") || String(ref) === "")
      throw apiError(400, "Scope reference must be present when scope is 'till'");
    scopeReference = String(ref);
    if (!company.ownsTill(scopeReference))
      throw apiError(400, `Till number ${scopeReference} does not belong to this company`);
  }
  const daraja = body.enable_daraja_payload ?? false;
  if (typeof daraja !== "boolean") throw apiError(400, "Enable daraja payload must be true or false");
  if (daraja && !DARAJA_EVENTS.includes(eventType))
    throw apiError(400, `Daraja payloads can only be enabled for ${DARAJA_EVENTS.join(", ")} webhooks`);
  return { eventType, url, scope, scopeReference, enableDarajaPayload: daraja };
}

export interface IncomingPaymentRequest {
  readonly paymentChannel: string;
  readonly tillNumber: string;
  readonly payer: KopoKopoPayer;
  readonly email: string | null;
  /** As Kopo Kopo writes amounts: "100.0". */
  readonly amount: string;
  readonly currency: string;
  readonly metadata: Record<string, unknown> | null;
  readonly callbackUrl: string;
}

/**
 * `POST /api/v1/incoming_payments` (STK push), as the developer guide and SDKs send it:
 * `{payment_channel:"M-PESA STK Push", till_number, subscriber:{first_name,last_name,phone_number,email?},
 * amount:{currency:"KES",value}, metadata?, _links:{callback_url}}`.
 */
export function parseIncomingPayment(
  body: Record<string, unknown>,
  company: KopoKopoCompany,
): IncomingPaymentRequest {
  const channel = body.payment_channel;
  if (channel !== "M-PESA STK Push" && channel !== "M-PESA")
    throw apiError(400, "Payment channel must be 'M-PESA STK Push'");
  const till = body.till_number;
  if (typeof till !== "string" || till === "") throw apiError(400, "Till number can't be blank");
  if (!company.ownsTill(till)) throw apiError(400, `Till number ${till} does not belong to this company`);
  const subscriber = isRecord(body.subscriber) ? body.subscriber : undefined;
  if (!subscriber) throw apiError(400, "Subscriber can't be blank");
  const phone = phoneNumber(subscriber, "phone_number", "Subscriber phone number");
  const amount = kesAmount(body.amount);
  const name = (field: unknown) => (typeof field === "string" && field !== "" ? field : null);
  return {
    paymentChannel: channel,
    tillNumber: till,
    payer: {
      firstName: name(subscriber.first_name) ?? "",
      middleName: name(subscriber.middle_name),
      lastName: name(subscriber.last_name) ?? "",
      phone,
    },
    email: name(subscriber.email),
    amount: amount.text,
    currency: amount.currency,
    metadata: isRecord(body.metadata) ? body.metadata : null,
    callbackUrl: callbackUrl(body),
  };
}
