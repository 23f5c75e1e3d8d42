import { createHash, randomBytes, randomInt, randomUUID } from "node:crypto";
import { KOPOKOPO_COMPANY_EVENTS, KOPOKOPO_TILL_EVENTS } from "./info.js";

/**
 * Kopo Kopo webhook bodies, kept as data. Envelope (providers.md, seed 001): `topic`, `id` (UUID),
 * `created_at` (Nairobi time, +03:00, whole seconds), `event: {type, resource}`,
 * `_links: {self, resource}`. Per-type resources follow the official SDKs' own fixtures
 * (k2-connect-node test/response/hooks/*, k2-connect-python payload_decomposer,
 * k2-connect-ruby payloads/webhooks/*); where those leave gaps the gap is said next to the field.
 */

export type KopoKopoTillEvent = (typeof KOPOKOPO_TILL_EVENTS)[number];
export type KopoKopoCompanyEvent = (typeof KOPOKOPO_COMPANY_EVENTS)[number];
export type KopoKopoEvent = KopoKopoTillEvent | KopoKopoCompanyEvent;

export const KOPOKOPO_EVENTS: readonly KopoKopoEvent[] = [
  ...KOPOKOPO_TILL_EVENTS,
  ...KOPOKOPO_COMPANY_EVENTS,
];
export const KOPOKOPO_SANDBOX_URL = "https://sandbox.kopokopo.com";

export function isKopoKopoEvent(name: string): name is KopoKopoEvent {
  return (KOPOKOPO_EVENTS as readonly string[]).includes(name);
}

export function isTillEvent(name: KopoKopoEvent): name is KopoKopoTillEvent {
  return (KOPOKOPO_TILL_EVENTS as readonly string[]).includes(name);
}

/** An instant as Kopo Kopo writes it: Nairobi local time with its +03:00 offset, whole seconds. */
export function nairobiTime(at: Date): string {
  return `${new Date(at.getTime() + 3 * 3_600_000).toISOString().slice(0, 19)}+03:00`;
}

/** An M-PESA receipt number, e.g. `OJM6Q1W84K` (10 upper-case letters and digits). */
export function mpesaReference(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  let text = "";
  for (const byte of randomBytes(10)) text += alphabet[byte % alphabet.length];
  return text;
}

/** A payer as the resources name them. */
export interface KopoKopoPayer {
  readonly firstName: string;
  readonly middleName: string | null;
  readonly lastName: string;
  /** E.164, e.g. `+254712345678`. */
  readonly phone: string;
}

const PAYERS: readonly KopoKopoPayer[] = [
  { firstName: "Jane", middleName: null, lastName: "Doe", phone: "+254712345678" },
  { firstName: "Wanjiku", middleName: "N", lastName: "Kamau", phone: "+254722000111" },
  { firstName: "Otieno", middleName: null, lastName: "Odhiambo", phone: "+254733456789" },
];

export function samplePayer(): KopoKopoPayer {
  return (
    PAYERS[randomInt(PAYERS.length)] ?? {
      firstName: "Jane",
      middleName: null,
      lastName: "Doe",
      phone: "+254712345678",
    }
  );
}

/** What changes between two events of the same type. */
export interface KopoKopoSampleContext {
  readonly at: Date;
  /** Event id (UUID); `_links.self` ends with it. */
  readonly eventId?: string;
  /** The resource's id (UUID). */
  readonly resourceId?: string;
  /** Till the event concerns (till-scope events). */
  readonly tillNumber?: string;
  /** Base of `_links` (the sandbox by default; an emulator gives its own URL). */
  readonly baseUrl?: string;
  /** Amount in KES as Kopo Kopo writes it ("100.0"). */
  readonly amount?: string;
  readonly currency?: string;
  readonly payer?: KopoKopoPayer;
  /** M-PESA receipt number. */
  readonly reference?: string;
}

/** `event.type` per topic, and the `_links.resource` collection, as the SDK fixtures show them. */
const SHAPES: Record<KopoKopoEvent, { readonly type: string; readonly collection: string }> = {
  buygoods_transaction_received: { type: "Buygoods Transaction", collection: "financial_transaction" },
  buygoods_transaction_reversed: { type: "Buygoods Transaction", collection: "financial_transaction" },
  b2b_transaction_received: {
    type: "External Till to Till Transaction",
    collection: "financial_transaction",
  },
  // The card event types and resources are not in the SDK fixtures: the type names are inferred.
  card_transaction_received: { type: "Card Transaction", collection: "financial_transaction" },
  card_transaction_voided: { type: "Card Transaction", collection: "financial_transaction" },
  card_transaction_reversed: { type: "Card Transaction", collection: "financial_transaction" },
  settlement_transfer_completed: { type: "Settlement Transfer", collection: "transfer_batch" },
  customer_created: { type: "Customer Created", collection: "mobile_money_user" },
};

/** The collection `_links.resource` points into for a topic (e.g. `financial_transaction`). */
export function kopokopoResourceCollection(topic: KopoKopoEvent): string {
  return SHAPES[topic].collection;
}

/** A Kopo Kopo webhook body (providers.md; seed 001). */
export interface KopoKopoWebhookBody {
  readonly topic: KopoKopoEvent;
  readonly id: string;
  readonly created_at: string;
  readonly event: { readonly type: string; readonly resource: Record<string, unknown> };
  readonly _links: { readonly self: string; readonly resource: string };
}

/** A complete webhook body for `topic`, in Kopo Kopo's field order. */
export function kopokopoSampleBody(topic: KopoKopoEvent, ctx: KopoKopoSampleContext): KopoKopoWebhookBody {
  const eventId = ctx.eventId ?? randomUUID();
  const resourceId = ctx.resourceId ?? randomUUID();
  const base = ctx.baseUrl ?? KOPOKOPO_SANDBOX_URL;
  const shape = SHAPES[topic];
  return {
    topic,
    id: eventId,
    created_at: nairobiTime(ctx.at),
    event: { type: shape.type, resource: kopokopoResource(topic, resourceId, ctx) },
    _links: {
      self: `${base}/webhook_events/${eventId}`,
      resource: `${base}/${shape.collection}/${resourceId}`,
    },
  };
}

/** The `event.resource` of a topic. */
export function kopokopoResource(
  topic: KopoKopoEvent,
  resourceId: string,
  ctx: KopoKopoSampleContext,
): Record<string, unknown> {
  const payer = ctx.payer ?? samplePayer();
  const till = ctx.tillNumber ?? "000000";
  const currency = ctx.currency ?? "KES";
  const reference = ctx.reference ?? mpesaReference();
  // Transactions happen a moment before Kopo Kopo emits the event (seed 001: one second).
  const originated = nairobiTime(new Date(ctx.at.getTime() - 1000));
  switch (topic) {
    case "buygoods_transaction_received":
    case "buygoods_transaction_reversed": {
      // providers.md lists the received resource's fields; seed 001 gives their order.
      const resource: Record<string, unknown> = {
        id: resourceId,
        amount: ctx.amount ?? "100.0",
        status: topic === "buygoods_transaction_received" ? "Received" : "Reversed",
        system: "Lipa Na M-PESA",
        currency,
        reference,
        till_number: till,
        sender_phone_number: payer.phone,
        hashed_sender_phone: hashedPhone(payer.phone),
        origination_time: originated,
        sender_last_name: payer.lastName,
        sender_first_name: payer.firstName,
        sender_middle_name: payer.middleName,
      };
      // k2-connect-python reads `reversal_time` from reversed transactions.
      if (topic === "buygoods_transaction_reversed") resource.reversal_time = nairobiTime(ctx.at);
      return resource;
    }
    case "b2b_transaction_received":
      // k2-connect-node test/response/hooks/b2breceived.js
      return {
        id: resourceId,
        amount: ctx.amount ?? "313.0",
        status: "Complete",
        system: "Lipa Na M-PESA",
        currency,
        reference,
        till_number: till,
        sending_till: sendingTill(till),
        origination_time: originated,
      };
    case "card_transaction_received":
    case "card_transaction_voided":
    case "card_transaction_reversed": {
      // k2-connect-ruby reads reference, origination_time, amount, currency, status, till_number and
      // customer_cc_number (and `settled` on received); the masked-number format is inferred.
      const status = {
        card_transaction_received: "Received",
        card_transaction_voided: "Voided",
        card_transaction_reversed: "Reversed",
      }[topic];
      const resource: Record<string, unknown> = {
        id: resourceId,
        amount: ctx.amount ?? "1500.0",
        status,
        system: "Card",
        currency,
        reference: randomBytes(6).toString("hex").toUpperCase(),
        till_number: till,
        customer_cc_number: `************${String(randomInt(10_000)).padStart(4, "0")}`,
        origination_time: originated,
      };
      if (topic === "card_transaction_received") resource.settled = false;
      return resource;
    }
    case "settlement_transfer_completed":
      // k2-connect-node test/response/hooks/transfercompleted.js
      return {
        id: resourceId,
        amount: ctx.amount ?? "49452.0",
        status: "Transferred",
        currency,
        destination: {
          type: "Bank Account",
          resource: {
            reference: randomUUID(),
            account_name: "Duka La Mama Ltd",
            account_number: String(randomInt(10_000_000, 99_999_999)),
            bank_branch_ref: randomUUID(),
            settlement_method: "EFT",
          },
        },
        disbursements: [
          {
            amount: ctx.amount ?? "49452.0",
            status: "Transferred",
            origination_time: nairobiTime(new Date(ctx.at.getTime() - 120_000)),
            transaction_reference: null,
          },
        ],
        origination_time: nairobiTime(new Date(ctx.at.getTime() - 130_000)),
      };
    case "customer_created":
      // k2-connect-node test/response/hooks/customercreatedhook.js: no resource id in the body.
      return {
        last_name: payer.lastName,
        first_name: payer.firstName,
        middle_name: payer.middleName ?? "",
        phone_number: payer.phone,
      };
  }
}

/**
 * The Daraja-format body a subscription with `enable_daraja_payload: true` receives instead
 * (buy-goods and B2B only; k2-connect-node test/response/hooks/darajabuygoods.js, darajab2b.js).
 */
export function darajaBody(
  topic: "buygoods_transaction_received" | "b2b_transaction_received",
  resource: Record<string, unknown>,
  at: Date,
): Record<string, unknown> {
  const local = nairobiTime(at);
  const payerPhone = typeof resource.sender_phone_number === "string" ? resource.sender_phone_number : "";
  return {
    TransactionType: topic === "buygoods_transaction_received" ? "Pay Bill" : "Business Payment",
    TransID: resource.reference,
    TransTime: local.slice(0, 19).replace(/[-T:]/g, ""),
    TransAmount: resource.amount,
    BusinessShortCode: resource.till_number,
    BillRefNumber: "",
    InvoiceNumber: "",
    OrgAccountBalance: "1000.0",
    ThirdPartyTransID: "",
    MSISDN: payerPhone,
    FirstName: resource.sender_first_name ?? null,
    MiddleName: resource.sender_middle_name ?? null,
    LastName: resource.sender_last_name ?? null,
  };
}

/** `hashed_sender_phone`: a SHA-256 hex of the number (the hashing Kopo Kopo uses is not published). */
function hashedPhone(phone: string): string {
  return createHash("sha256").update(phone).digest("hex");
}

function sendingTill(till: string): string {
  const other = String(randomInt(100_000, 999_999));
  return other === till ? String(Number(other) + 1) : other;
}
