import { nairobiTime } from "../samples.js";
import type { IncomingPaymentRequest } from "./requests.js";

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
export function incomingPaymentBody(payment: IncomingPayment, selfUrl: string): Record<string, unknown> {
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

/** `2020-10-19T09:24:48.622+03:00`: the fixture's initiation_time keeps milliseconds. */
function nairobiTimeMs(at: Date): string {
  const ms = String(at.getUTCMilliseconds()).padStart(3, "0");
  return nairobiTime(at).replace("+03:00", `.${ms}+03:00`);
}
