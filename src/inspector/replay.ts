import { postRaw } from "../adapters/http-post.js";
import { type CaptureRecord, toDelivery } from "../core/capture-format.js";
import { toProviderId } from "../core/provider-id.js";
import { hopByHopStripped } from "../listen/session.js";
import { type BodyView, bodyView } from "./detail.js";
import { resign, type SigningMaterial } from "./resign.js";

export interface ReplayRequest {
  readonly url: string;
  readonly resign: boolean;
}

export interface ReplayOutcome {
  readonly url: string;
  readonly resigned: boolean;
  readonly status: number | null;
  readonly error: string | null;
  readonly durationMs: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: BodyView;
}

/** A reason the replay cannot be tried, for a 400 answer. */
export class ReplayRefused extends Error {}

/**
 * Sends a captured delivery again: the exact bytes and headers in order (hop-by-hop headers
 * dropped, as a proxy would), or re-signed with a fresh timestamp. Answers what the target said.
 */
export async function replayRecord(
  record: CaptureRecord,
  request: ReplayRequest,
  material: SigningMaterial | null,
  now: Date,
): Promise<ReplayOutcome> {
  if (typeof record.oversizeBytes === "number")
    throw new ReplayRefused("this delivery's body was over the size limit and was not kept");
  const delivery = toDelivery(record);
  let headers = hopByHopStripped(delivery.headers);
  let body: Uint8Array = delivery.body;
  let resigned = false;
  if (request.resign) {
    const provider = toProviderId(record.provider ?? "");
    const fresh = provider && material ? await resign(provider, headers, body, material, now) : undefined;
    if (!fresh) throw new ReplayRefused("whtool holds no secret or test key to re-sign this delivery with");
    ({ headers, body } = fresh);
    resigned = true;
  }
  const result = await postRaw(request.url, headers, body, { method: delivery.method, timeoutMs: 10_000 });
  return {
    url: request.url,
    resigned,
    status: result.status,
    error: result.error,
    durationMs: result.durationMs,
    headers: result.headers,
    // Enough of the target's answer to read (an error page, a JSON body), not an unbounded one.
    body: bodyView(result.body.subarray(0, 256 * 1024)),
  };
}
