import type { AsyncRequestKind } from "./async-requests.js";
import type { KopoKopoCompany } from "./company.js";
import { apiError } from "./errors.js";
import { callbackUrl, requiredText } from "./fields.js";

/**
 * Transaction SMS notifications (k2-connect-node SmsNotificationService): `POST
 * /api/v1/transaction_sms_notifications` `{webhook_event_reference, message, _links:{callback_url}}`
 * asks Kopo Kopo to text the payer of a buy-goods transaction → 201 + Location; the result
 * `{"data":{"type":"transaction_sms_notification","attributes":{status,message,webhook_event_reference,
 * _links}}}` (k2-connect-node test/response/sms_notification.js) is posted to the callback.
 * The reference must be a `buygoods_transaction_received` event this company emitted (its `id`).
 */

interface SmsRequest {
  readonly eventReference: string;
  readonly message: string;
  readonly callbackUrl: string;
}

export function smsNotificationKind(company: KopoKopoCompany): AsyncRequestKind<SmsRequest> {
  return {
    collection: "transaction_sms_notifications",
    notFound: "Transaction sms notification not found",
    parse(body) {
      const eventReference = requiredText(body, "webhook_event_reference", "Webhook event reference");
      const event = company.events.get(eventReference);
      if (event?.topic !== "buygoods_transaction_received")
        throw apiError(
          400,
          `Webhook event reference ${eventReference} is not a buy-goods transaction webhook`,
        );
      return {
        eventReference,
        message: requiredText(body, "message", "Message"),
        callbackUrl: callbackUrl(body),
      };
    },
    resource(request, id, self) {
      const attributes = {
        status: "Success",
        message: request.message,
        webhook_event_reference: request.eventReference,
        _links: { callback_url: request.callbackUrl, self },
      };
      return {
        type: "transaction_sms_notification",
        body: { data: { id, type: "transaction_sms_notification", attributes } },
        callbackUrl: request.callbackUrl,
      };
    },
  };
}
