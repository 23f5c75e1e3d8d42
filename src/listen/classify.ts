import type { IncomingRequest } from "../adapters/listener.js";
import type { Arrival } from "../core/events.js";

/**
 * The first step of the pipeline, before anything is verified: a GET or HEAD is a person (or a
 * provider's reachability probe) looking, answered with a short page and not recorded; a body over
 * --max-body is `oversize`, whatever its path; another path is `off-path`; the rest are webhooks.
 */
export function classify(request: IncomingRequest, webhookPath: string): Arrival | "probe" {
  if (request.method === "GET" || request.method === "HEAD") return "probe";
  if (request.oversizeBytes !== null) return "oversize";
  const query = request.path.indexOf("?");
  const path = query === -1 ? request.path : request.path.slice(0, query);
  return path === webhookPath ? "webhook" : "off-path";
}

/** What a person needs told about a request that is not an ordinary delivery. */
export function arrivalNote(
  arrival: Arrival,
  request: IncomingRequest,
  limits: { readonly path: string; readonly maxBody: number },
): string | null {
  if (arrival === "oversize")
    return `${request.oversizeBytes} bytes, over the ${limits.maxBody}-byte limit (--max-body): answered 413, body not kept`;
  if (arrival === "off-path") return `not the webhook path ${limits.path}: answered 404, not verified`;
  return null;
}
