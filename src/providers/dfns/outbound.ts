import { utf8 } from "../../core/bytes.js";
import type { HeaderPair } from "../../core/delivery.js";
import { resignHmac } from "../resign.js";
import type { Outbound, OutboundCredentials, OutboundDelivery, SignedMessage } from "../types.js";
import { DFNS_SIGNATURE_HEADER } from "./info.js";
import { DFNS_SAMPLE_KINDS, dfnsId, dfnsSampleData } from "./samples.js";
import { scheme } from "./scheme.js";
import { signDfns } from "./sign.js";

/** A Dfns webhook event as delivered (providers.md: Dfns, Delivery). */
export interface DfnsEventPayload {
  /** `whe-…`; every attempt has its own. */
  readonly id: string;
  /** When the event happened (ISO); the same on every attempt. */
  readonly date: string;
  readonly kind: string;
  readonly data: Readonly<Record<string, unknown>>;
  /** Unix seconds when this attempt was signed and sent. */
  readonly timestampSent: number;
  /** 1 for the first attempt. */
  readonly deliveryAttempt: number;
  /** The previous attempt's id, on a retry. */
  readonly retryOf?: string;
}

/** Compact JSON in Dfns' field order, signed with the webhook secret (X-DFNS-WEBHOOK-SIGNATURE). */
export function signedDfnsDelivery(payload: DfnsEventPayload, secret: string): OutboundDelivery {
  const ordered = {
    id: payload.id,
    date: payload.date,
    kind: payload.kind,
    data: payload.data,
    timestampSent: payload.timestampSent,
    deliveryAttempt: payload.deliveryAttempt,
    ...(payload.retryOf === undefined ? {} : { retryOf: payload.retryOf }),
  };
  const body = utf8(JSON.stringify(ordered));
  const headers: HeaderPair[] = [
    ["Content-Type", "application/json"],
    [DFNS_SIGNATURE_HEADER, signDfns(body, secret)],
  ];
  return { headers, body, eventId: payload.id };
}

/**
 * The body with `timestampSent` set to `at`, written in place in the exact bytes (only that number
 * changes), since Dfns signs the raw body and refuses one sent over 300 s ago.
 */
function withTimestampSent(body: Uint8Array, at: Date): Uint8Array {
  const text = Buffer.from(body).toString("utf8");
  const seconds = String(Math.floor(at.getTime() / 1000));
  const refreshed = text.replace(/("timestampSent"\s*:\s*)\d+/, (_, key: string) => `${key}${seconds}`);
  return refreshed === text ? body : utf8(refreshed);
}

export const dfnsOutbound: Outbound = {
  events: DFNS_SAMPLE_KINDS,
  async resign(message: SignedMessage, credentials: OutboundCredentials, at: Date): Promise<SignedMessage> {
    return resignHmac(
      scheme,
      { headers: message.headers, body: withTimestampSent(message.body, at) },
      credentials,
    );
  },
  canonicalEvent: (event) => DFNS_SAMPLE_KINDS.find((kind) => kind === event.trim().toLowerCase()),
  async build(event: string, credentials: OutboundCredentials, at: Date): Promise<OutboundDelivery> {
    const kind = dfnsOutbound.canonicalEvent(event);
    if (kind === undefined)
      throw new Error(`unknown Dfns event "${event}"; known: ${DFNS_SAMPLE_KINDS.join(", ")}`);
    if (credentials.secret === undefined)
      throw new Error("a Dfns delivery is signed with the webhook secret");
    return signedDfnsDelivery(
      {
        id: dfnsId("whe"),
        date: at.toISOString(),
        kind,
        data: dfnsSampleData(kind, { at }),
        timestampSent: Math.floor(at.getTime() / 1000),
        deliveryAttempt: 1,
      },
      credentials.secret,
    );
  },
};
