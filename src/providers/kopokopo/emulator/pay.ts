import { randomUUID } from "node:crypto";
import { isRecord } from "../../../core/json-body.js";
import { mpesaReference } from "../samples.js";
import type { AsyncRequestKind } from "./async-requests.js";
import { apiError } from "./errors.js";
import {
  callbackUrl,
  type KesAmount,
  kesAmount,
  metadata,
  network,
  optionalText,
  phoneNumber,
  requiredText,
} from "./fields.js";
import { nairobiTimeMs } from "./time.js";

/**
 * PAY (k2-connect-node PayService; developer guide "Send money", steps 1–4):
 * - `POST /api/v1/pay_recipients` `{"type","pay_recipient":{…}}`, four types with the SDK's fields →
 *   201 + Location; `GET` → `{"data":{"type":"pay_recipient","attributes":{recipient_type,status,…,
 *   recipient_reference}}}` (guide "View destination reference"). No callback: the SDK sends none.
 * - `POST /api/v1/payments` `{destination_type, destination_reference, amount:{currency,value},
 *   description, category?, tags?, metadata?, _links:{callback_url}}` → 201 + Location; the result
 *   `{"data":{"type":"payment","attributes":{status,created_at,amount,transfer_batches,metadata,_links}}}`
 *   (guide "Check the payment status") is served there and posted to the callback.
 * The destination must be a pay recipient of that type, named by its id or its recipient_reference.
 */

type RecipientType = "mobile_wallet" | "till" | "paybill" | "bank_account";

/** Each type's fields in the SDK's order, and its `recipient_type` label (guide; the others inferred). */
const RECIPIENT_TYPES: Record<RecipientType, { label: string; fields: readonly [string, string][] }> = {
  mobile_wallet: {
    label: "Mobile Wallet",
    fields: [
      ["first_name", "First name"],
      ["last_name", "Last name"],
    ],
  },
  till: {
    label: "Till",
    fields: [
      ["till_name", "Till name"],
      ["till_number", "Till number"],
    ],
  },
  paybill: {
    label: "Paybill",
    fields: [
      ["paybill_name", "Paybill name"],
      ["paybill_number", "Paybill number"],
      ["paybill_account_number", "Paybill account number"],
    ],
  },
  bank_account: {
    label: "Bank Account",
    fields: [
      ["account_name", "Account name"],
      ["bank_branch_ref", "Bank branch ref"],
      ["account_number", "Account number"],
      ["settlement_method", "Settlement method"],
    ],
  },
};

const isRecipientType = (value: unknown): value is RecipientType =>
  typeof value === "string" && Object.hasOwn(RECIPIENT_TYPES, value);

export interface PayRecipient {
  readonly id: string;
  readonly type: RecipientType;
  readonly reference: string;
  readonly attributes: Record<string, unknown>;
}

type RecipientRequest = Omit<PayRecipient, "id">;

function parseRecipient(body: Record<string, unknown>): RecipientRequest {
  const type = body.type;
  if (!isRecipientType(type))
    throw apiError(400, `Type must be one of ${Object.keys(RECIPIENT_TYPES).join(", ")}`);
  const fields = isRecord(body.pay_recipient) ? body.pay_recipient : undefined;
  if (!fields) throw apiError(400, "Pay recipient can't be blank");
  const attributes: Record<string, unknown> = {};
  for (const [key, label] of RECIPIENT_TYPES[type].fields) attributes[key] = requiredText(fields, key, label);
  if (type === "mobile_wallet") {
    attributes.phone_number = phoneNumber(fields, "phone_number", "Phone number");
    attributes.network = network(fields);
    attributes.email = optionalText(fields, "email") ?? "";
  }
  if (
    type === "bank_account" &&
    attributes.settlement_method !== "EFT" &&
    attributes.settlement_method !== "RTS"
  )
    throw apiError(400, "Settlement method must be EFT or RTS");
  return { type, attributes, reference: randomUUID() };
}

interface PaymentRequest {
  readonly recipient: PayRecipient;
  readonly amount: KesAmount;
  readonly description: string;
  readonly category: string | null;
  readonly tags: string | null;
  readonly metadata: Record<string, unknown> | null;
  readonly callbackUrl: string;
  readonly at: Date;
}

/** Both PAY requests; they share the recipients a payment may go to. */
export function payKinds(
  now: () => Date,
): [AsyncRequestKind<RecipientRequest>, AsyncRequestKind<PaymentRequest>] {
  const recipients = new Map<string, PayRecipient>();
  const recipientKind: AsyncRequestKind<RecipientRequest> = {
    collection: "pay_recipients",
    notFound: "Pay recipient not found",
    parse: parseRecipient,
    resource(parsed, id) {
      const recipient = { ...parsed, id };
      recipients.set(id, recipient);
      const attributes = {
        recipient_type: RECIPIENT_TYPES[recipient.type].label,
        status: "Approved",
        ...recipient.attributes,
        recipient_reference: recipient.reference,
      };
      return {
        type: "pay_recipient",
        body: { data: { id, type: "pay_recipient", attributes } },
        callbackUrl: null,
      };
    },
  };
  const paymentKind: AsyncRequestKind<PaymentRequest> = {
    collection: "payments",
    notFound: "Payment not found",
    parse(body) {
      const type = body.destination_type;
      if (!isRecipientType(type))
        throw apiError(400, `Destination type must be one of ${Object.keys(RECIPIENT_TYPES).join(", ")}`);
      const reference = requiredText(body, "destination_reference", "Destination reference");
      const recipient = [...recipients.values()].find((r) => r.id === reference || r.reference === reference);
      if (!recipient) throw apiError(400, `Destination reference ${reference} is not a pay recipient`);
      if (recipient.type !== type)
        throw apiError(400, `Destination reference ${reference} is not a ${type} pay recipient`);
      return {
        recipient,
        amount: kesAmount(body.amount),
        description: requiredText(body, "description", "Description"),
        category: optionalText(body, "category"),
        tags: optionalText(body, "tags"),
        metadata: metadata(body),
        callbackUrl: callbackUrl(body),
        at: now(),
      };
    },
    resource(request, id, self) {
      const attributes = {
        status: "Processed",
        created_at: nairobiTimeMs(request.at),
        amount: { currency: request.amount.currency, value: request.amount.value },
        transfer_batches: [
          {
            status: "Transferred",
            disbursements: [
              {
                amount: request.amount.text,
                status: "Transferred",
                destination_type: RECIPIENT_TYPES[request.recipient.type].label,
                origination_time: nairobiTimeMs(request.at),
                destination_reference: request.recipient.id,
                transaction_reference: mpesaReference(),
              },
            ],
          },
        ],
        metadata: request.metadata,
        _links: { callback_url: request.callbackUrl, self },
      };
      return {
        type: "payment",
        body: { data: { id, type: "payment", attributes } },
        callbackUrl: request.callbackUrl,
      };
    },
  };
  return [recipientKind, paymentKind];
}
