// Realistic PointServices order events, kept as data. The PPS guide (seed 002) names the topic
// `orders/placed` and the headers only; it shows no body. The bodies below are an inferred order shape
// (ids as UUIDs like X-Pps-Webhook-Id, tenant ids like `OU1243`, ISO UTC times, amounts in major units).

export const PPS_TOPICS = ["orders/placed", "orders/updated", "orders/cancelled", "orders/shipped"] as const;
export type PpsTopic = (typeof PPS_TOPICS)[number];

/**
 * Sub-topics per topic (X-Pps-Sub-Topic, "newer" in providers.md). Their values are not documented:
 * these are inferred. The first is what a sample uses when no sub-topic is asked for.
 */
export const PPS_SUB_TOPICS: Readonly<Record<PpsTopic, readonly string[]>> = {
  "orders/placed": ["online", "in-store", "phone"],
  "orders/updated": ["status", "items", "shipping-address"],
  "orders/cancelled": ["customer-request", "payment-declined", "out-of-stock"],
  "orders/shipped": ["complete", "partial"],
};

/** Everything random or time-dependent in a sample, injected by the caller. */
export interface PpsSampleContext {
  readonly tenantId: string;
  /** When the event happened (the emulator's clock). */
  readonly at: Date;
  /** UUID. */
  readonly orderId: string;
  /** `SO-` and seven digits. */
  readonly orderNumber: string;
  /** UUID. */
  readonly customerId: string;
  /** UUID (orders/shipped). */
  readonly shipmentId: string;
  readonly subTopic: string;
}

export function isPpsTopic(value: string): value is PpsTopic {
  return (PPS_TOPICS as readonly string[]).includes(value);
}

export function defaultSubTopic(topic: PpsTopic): string {
  return PPS_SUB_TOPICS[topic][0] ?? "";
}

const MINUTE = 60_000;
const iso = (at: Date, minutesBefore = 0) => new Date(at.getTime() - minutesBefore * MINUTE).toISOString();

const LINES = [
  {
    lineNumber: 1,
    sku: "TSH-BLK-M",
    description: "Team T-shirt, black, M",
    quantity: 2,
    unitPrice: 24.99,
    lineTotal: 49.98,
  },
  {
    lineNumber: 2,
    sku: "CAP-NVY-OS",
    description: "Snapback cap, navy, one size",
    quantity: 1,
    unitPrice: 19.5,
    lineTotal: 19.5,
  },
];

const SHIPPING_ADDRESS = {
  name: "Jordan Alvarez",
  line1: "1450 Market Street",
  line2: "Apt 5B",
  city: "Denver",
  region: "CO",
  postalCode: "80202",
  country: "US",
};

/** The order as it stands when it was placed; the other topics change parts of it. */
function order(ctx: PpsSampleContext, status: string, channel: string) {
  return {
    orderId: ctx.orderId,
    orderNumber: ctx.orderNumber,
    tenantId: ctx.tenantId,
    status,
    channel,
    currency: "USD",
    customer: {
      customerId: ctx.customerId,
      firstName: "Jordan",
      lastName: "Alvarez",
      email: "jordan.alvarez@example.com",
    },
    lines: LINES,
    totals: { subtotal: 69.48, tax: 5.73, shipping: 6.95, discount: 0, grandTotal: 82.16 },
    shippingAddress: SHIPPING_ADDRESS,
  };
}

const CANCEL_REASONS: Readonly<Record<string, string>> = {
  "customer-request": "Customer asked to cancel before fulfilment",
  "payment-declined": "Card payment was declined by the issuer",
  "out-of-stock": "One or more items are out of stock",
};

type Sample = (ctx: PpsSampleContext) => Record<string, unknown>;

const SAMPLES: Readonly<Record<PpsTopic, Sample>> = {
  "orders/placed": (ctx) => ({
    ...order(ctx, "Placed", ctx.subTopic),
    placedAt: iso(ctx.at),
    payment: { method: "card", brand: "visa", last4: "4242", status: "Authorized", amount: 82.16 },
  }),
  "orders/updated": (ctx) => ({
    ...order(ctx, ctx.subTopic === "status" ? "Processing" : "Placed", "online"),
    placedAt: iso(ctx.at, 42),
    updatedAt: iso(ctx.at),
    changes:
      ctx.subTopic === "items"
        ? [{ field: "lines[1].quantity", from: 2, to: 1 }]
        : ctx.subTopic === "shipping-address"
          ? [{ field: "shippingAddress.line2", from: "Apt 4B", to: "Apt 5B" }]
          : [{ field: "status", from: "Placed", to: "Processing" }],
  }),
  "orders/cancelled": (ctx) => ({
    ...order(ctx, "Cancelled", "online"),
    placedAt: iso(ctx.at, 95),
    cancelledAt: iso(ctx.at),
    cancellation: {
      reasonCode: ctx.subTopic,
      reason: CANCEL_REASONS[ctx.subTopic] ?? "Order cancelled",
      refund: { amount: 82.16, currency: "USD", status: "Pending" },
    },
  }),
  "orders/shipped": (ctx) => {
    const partial = ctx.subTopic === "partial";
    return {
      ...order(ctx, partial ? "PartiallyShipped" : "Shipped", "online"),
      placedAt: iso(ctx.at, 26 * 60),
      shipment: {
        shipmentId: ctx.shipmentId,
        carrier: "UPS",
        service: "Ground",
        trackingNumber: "1Z999AA10123456784",
        shippedAt: iso(ctx.at),
        estimatedDelivery: iso(new Date(ctx.at.getTime() + 3 * 24 * 60 * MINUTE)).slice(0, 10),
        lines: partial
          ? [{ lineNumber: 1, quantity: 2 }]
          : LINES.map((l) => ({ lineNumber: l.lineNumber, quantity: l.quantity })),
      },
    };
  },
};

/** The event body PointServices would post for `topic` (a plain object; callers serialise it compactly). */
export function ppsSample(topic: PpsTopic, ctx: PpsSampleContext): Record<string, unknown> {
  return SAMPLES[topic](ctx);
}
