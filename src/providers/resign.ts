import type { HeaderPair } from "../core/delivery.js";
import type { HmacScheme } from "./hmac-check.js";
import type { OutboundCredentials, SignedMessage } from "./types.js";

/** The headers with the first `name` (any case) given a new value, in place: the order stays as sent. */
export function withHeader(headers: readonly HeaderPair[], name: string, value: string): HeaderPair[] {
  const lower = name.toLowerCase();
  let done = false;
  const out = headers.map(([n, v]): HeaderPair => {
    if (done || n.toLowerCase() !== lower) return [n, v];
    done = true;
    return [n, value];
  });
  if (!done) out.push([name, value]);
  return out;
}

/** An HMAC provider's delivery signed again over the same bytes with `credentials.secret`. */
export function resignHmac(
  scheme: HmacScheme,
  message: SignedMessage,
  credentials: OutboundCredentials,
): SignedMessage {
  if (credentials.secret === undefined) throw new Error("re-signing needs the secret");
  return {
    headers: withHeader(message.headers, scheme.header, scheme.sign(message.body, credentials.secret)),
    body: message.body,
  };
}
