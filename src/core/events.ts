// What the receiver and the tunnel report, as typed events: the listen pipeline emits them, `ui/`
// renders them (human text or --json lines), smoke and demo wait on them. Plain data only.
import type { CaptureRecord } from "./capture-format.js";
import type { Delivery, HeaderPair } from "./delivery.js";
import type { Verdict } from "./verdict.js";

/**
 * What a request was, decided before anything else looks at it: a webhook delivery on the path, a
 * body over --max-body (answered 413), or a request to another path (answered 404; not verified,
 * not deduped, not counted toward --exit-after).
 */
export type Arrival = "webhook" | "oversize" | "off-path";

export interface DeliveryEvent {
  readonly type: "delivery";
  readonly arrival: Arrival;
  readonly delivery: Delivery;
  /**
   * Its capture line, as written before answering (or as read back): a forwarded delivery's says
   * `response: null`, and `status` below is what was answered in the end.
   */
  readonly record: CaptureRecord;
  readonly verdict: Verdict;
  readonly duplicateOf: string | null;
  /** The status answered to the sender. */
  readonly status: number;
  /** Seconds between the provider's own send time (when it states one) and receipt. */
  readonly skewS: number | null;
  readonly note: string | null;
}

/** What the --forward-to target answered for one delivery; emitted right after that delivery. */
export interface ForwardEvent {
  readonly type: "forward";
  readonly id: string;
  readonly url: string;
  readonly status: number | null;
  readonly error: string | null;
  readonly durationMs: number;
  readonly headers: readonly HeaderPair[];
  /** The first line of the target's body (cut short), "" when it sent none. */
  readonly firstLine: string;
  /** The first FOLLOW_UP_BODY_BYTES of the target's body, base64, as its follow-up record keeps them. */
  readonly bodyBase64: string;
}

/** A request Node's parser refused (header block over the limit: 431; unreadable: 400). */
export interface RefusedEvent {
  readonly type: "refused";
  readonly id: string;
  readonly status: 400 | 431;
  readonly reason: string;
  readonly remote: string | null;
  readonly at: Date;
}

export interface ErrorEvent {
  readonly type: "error";
  readonly id: string | null;
  readonly message: string;
}

/** The tunnel's state as it changes: connecting, then open (with its URL) or failed. */
export type TunnelEvent =
  | { readonly type: "tunnel"; readonly state: "connecting"; readonly provider: "ngrok" }
  | { readonly type: "tunnel"; readonly state: "open"; readonly provider: "ngrok"; readonly url: string }
  | {
      readonly type: "tunnel";
      readonly state: "failed";
      readonly provider: "ngrok";
      readonly message: string;
    }
  /** The session dropped (the SDK reconnects by itself) or came back. */
  | { readonly type: "tunnel"; readonly state: "lost" | "restored"; readonly provider: "ngrok" }
  /** The one GET through the public URL to the listener's own page, right after the tunnel opened. */
  | { readonly type: "tunnel"; readonly state: "reachable"; readonly provider: "ngrok"; readonly url: string }
  | {
      readonly type: "tunnel";
      readonly state: "unreachable";
      readonly provider: "ngrok";
      readonly url: string;
      readonly message: string;
    };

export type ListenEvent = DeliveryEvent | ForwardEvent | RefusedEvent | ErrorEvent | TunnelEvent;

/** Whether a delivery counts toward --exit-after and the summary: everything sent to the webhook path. */
export const countsAsDelivery = (event: DeliveryEvent): boolean => event.arrival !== "off-path";
