import { isConnectionHeader, postRaw } from "../adapters/http-post.js";
import type { Delivery, HeaderPair } from "../core/delivery.js";
import { headerValue } from "../core/delivery.js";
import type { PostResult } from "../core/post-result.js";

/** --forward-to: the delivery's exact bytes and headers (hop-by-hop ones dropped) to the user's app. */
export async function forwardDelivery(
  delivery: Delivery,
  url: string,
  timeoutMs: number,
): Promise<PostResult & { readonly url: string }> {
  // The target's own path, with the delivery's query string when the target URL has none.
  const query = delivery.path.includes("?") ? delivery.path.slice(delivery.path.indexOf("?")) : "";
  const forwardUrl = query && !url.includes("?") ? `${url}${query}` : url;
  const result = await postRaw(forwardUrl, hopByHopStripped(delivery.headers), delivery.body, {
    method: delivery.method,
    timeoutMs,
  });
  return { ...result, url: forwardUrl };
}

/** Drops hop-by-hop headers, including any the Connection header names (RFC 9110 §7.6.1). */
export function hopByHopStripped(headers: readonly HeaderPair[]): HeaderPair[] {
  const named = (headerValue(headers, "connection") ?? "")
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  return headers.filter(([name]) => !isConnectionHeader(name) && !named.includes(name.toLowerCase()));
}
