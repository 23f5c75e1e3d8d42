import type { AsyncRequestKind } from "./async-requests.js";
import type { KopoKopoCompany } from "./company.js";
import { type IncomingPaymentRequest, parseIncomingPayment } from "./requests.js";
import { nairobiTimeMs } from "./time.js";

/** An STK push the emulator accepted, and what the customer's approval produced. */
export interface IncomingPayment {
  readonly id: string;
  readonly request: IncomingPaymentRequest;
  readonly initiatedAt: Date;
  /** The buy-goods transaction the approval created (resource of `buygoods_transaction_received`). */
  readonly resource: Record<string, unknown>;
}

/**
 * The incoming-payment result: the body `GET <Location>` answers and the one posted to
 * `_links.callback_url`, in the shape of k2-connect-flutter test/services/stk/request_status_success.json
 * (also what k2-connect-python's payload_decomposer reads for `incoming_payment`).
 */
export function incomingPaymentBody(
  payment: IncomingPayment,
  selfUrl: string,
): { data: Record<string, unknown> } {
  const r = payment.resource;
  return {
    data: {
      id: payment.id,
      type: "incoming_payment",
      attributes: {
        initiation_time: nairobiTimeMs(payment.initiatedAt),
        status: "Success",
        event: {
          type: "Incoming Payment Request",
          resource: {
            id: r.id,
            reference: r.reference,
            origination_time: r.origination_time,
            sender_phone_number: r.sender_phone_number,
            amount: r.amount,
            currency: r.currency,
            till_number: r.till_number,
            system: r.system,
            status: r.status,
            sender_first_name: r.sender_first_name,
            sender_middle_name: r.sender_middle_name,
            sender_last_name: r.sender_last_name,
          },
          errors: null,
        },
        metadata: payment.request.metadata,
        _links: { callback_url: payment.request.callbackUrl, self: selfUrl },
      },
    },
  };
}

/**
 * `POST /api/v1/incoming_payments` (STK push). The customer approves the prompt straight away: a
 * buy-goods payment lands on the till (`buygoods_transaction_received` goes out to its subscribers),
 * then the incoming-payment result is posted to the callback.
 */
export function incomingPaymentKind(
  company: KopoKopoCompany,
  now: () => Date,
): AsyncRequestKind<IncomingPaymentRequest> {
  return {
    collection: "incoming_payments",
    notFound: "Incoming payment not found",
    parse: (body) => parseIncomingPayment(body, company),
    resource(request, id, self) {
      const { body } = company.emit("buygoods_transaction_received", {
        tillNumber: request.tillNumber,
        amount: request.amount,
        currency: request.currency,
        payer: request.payer,
      });
      const payment: IncomingPayment = { id, request, initiatedAt: now(), resource: body.event.resource };
      return {
        type: "incoming_payment",
        body: incomingPaymentBody(payment, self),
        callbackUrl: request.callbackUrl,
      };
    },
  };
}
