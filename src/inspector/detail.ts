import { type CaptureRecord, toDelivery } from "../core/capture-format.js";
import type { HeaderPair } from "../core/delivery.js";
import { toProviderId } from "../core/provider-id.js";
import type { Verdict } from "../core/verdict.js";
import { hopByHopStripped } from "../listen/session.js";
import { curlCommand } from "./curl.js";
import { type DiffLine, lineDiff } from "./diff.js";
import { canResign, type SigningMaterial } from "./resign.js";
import type { DeliveryStore } from "./store.js";
import { type DeliverySummary, type ForwardAnswer, recordVerdict } from "./summary.js";

/** A body as the page shows it: exact bytes (base64), the text when it is UTF-8, JSON pretty-printed. */
export interface BodyView {
  readonly bytes: number;
  readonly base64: string;
  readonly text: string | null;
  readonly pretty: string | null;
}

export interface DeliveryDetail {
  readonly summary: DeliverySummary;
  readonly method: string;
  readonly path: string;
  readonly remote: string | null;
  readonly headers: readonly HeaderPair[];
  readonly body: BodyView;
  readonly verdict: Verdict | null;
  readonly response: { readonly status: number } | null;
  readonly oversizeBytes: number | null;
  readonly forward: (Omit<ForwardAnswer, "bodyBase64"> & { readonly body: BodyView | null }) | null;
  readonly attempts: readonly DeliverySummary[];
  /** Against the previous attempt of the same event, when there is one. */
  readonly diff: { readonly against: string; readonly headers: DiffLine[]; readonly body: DiffLine[] } | null;
  readonly replay: { readonly forwardTo: string | null; readonly canResign: boolean };
  readonly curl: string;
}

/** Bodies larger than this are not pretty-printed or diffed (the raw bytes are still there). */
const MAX_PRETTY_BYTES = 1 << 20;
const utf8 = new TextDecoder("utf-8", { fatal: true });

export function bodyView(bytes: Uint8Array): BodyView {
  let text: string | null = null;
  try {
    text = utf8.decode(bytes);
  } catch {
    // not UTF-8: the page offers the raw bytes only
  }
  let pretty: string | null = null;
  if (text !== null && bytes.length <= MAX_PRETTY_BYTES)
    try {
      pretty = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // not JSON (or nested too deep to print): the raw text is shown
    }
  return { bytes: bytes.length, base64: Buffer.from(bytes).toString("base64"), text, pretty };
}

const headerLines = (headers: readonly HeaderPair[]) => headers.map(([n, v]) => `${n}: ${v}`).join("\n");

export async function deliveryDetail(
  record: CaptureRecord,
  store: DeliveryStore,
  options: { readonly forwardTo: string | null; readonly material: SigningMaterial | null },
): Promise<DeliveryDetail | undefined> {
  const summary = store.summary(record.id);
  if (!summary) return undefined;
  const delivery = toDelivery(record);
  const body = bodyView(delivery.body);
  const attempts = store.attempts(record.id);
  const index = attempts.findIndex((a) => a.id === record.id);
  const previousId = index > 0 ? attempts[index - 1]?.id : undefined;
  const previous = previousId ? await store.record(previousId) : undefined;
  let diff: DeliveryDetail["diff"] = null;
  if (previous) {
    const before = bodyView(toDelivery(previous).body);
    diff = {
      against: previous.id,
      headers: lineDiff(headerLines(previous.headers), headerLines(record.headers)),
      body:
        before.bytes <= MAX_PRETTY_BYTES && body.bytes <= MAX_PRETTY_BYTES
          ? lineDiff(before.pretty ?? before.text ?? before.base64, body.pretty ?? body.text ?? body.base64)
          : [],
    };
  }
  const forward = summary.forward;
  const provider = toProviderId(summary.provider ?? "") ?? null;
  const forwardTo = options.forwardTo ?? (typeof record.forwardTo === "string" ? record.forwardTo : null);
  return {
    summary,
    method: record.method,
    path: record.path,
    remote: record.remote,
    headers: record.headers,
    body,
    verdict: recordVerdict(record),
    response: record.response,
    oversizeBytes: typeof record.oversizeBytes === "number" ? record.oversizeBytes : null,
    forward: forward
      ? {
          url: forward.url,
          status: forward.status,
          error: forward.error,
          durationMs: forward.durationMs,
          ...(forward.headers ? { headers: forward.headers } : {}),
          body: forward.bodyBase64 === undefined ? null : bodyView(Buffer.from(forward.bodyBase64, "base64")),
        }
      : null,
    attempts,
    diff,
    replay: {
      forwardTo,
      canResign: options.material ? await canResign(provider, record.headers, options.material) : false,
    },
    curl: curlCommand(
      forwardTo ?? "http://127.0.0.1:3000/webhooks",
      record.method,
      hopByHopStripped(record.headers),
      record.bodyBase64,
    ),
  };
}
