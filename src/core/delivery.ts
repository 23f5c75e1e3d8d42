/** One HTTP delivery exactly as received: ordered raw headers and the body's exact bytes. */
export type HeaderPair = readonly [name: string, value: string];

export interface Delivery {
  readonly id: string;
  readonly method: string;
  /** Path and query as received, e.g. `/webhooks?x=1`. */
  readonly path: string;
  readonly headers: readonly HeaderPair[];
  readonly body: Uint8Array;
  readonly receivedAt: Date;
  readonly remote?: string;
}

/** First value of a header, matched case-insensitively (HTTP header names are). */
export function headerValue(headers: readonly HeaderPair[], name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [n, v] of headers) if (n.toLowerCase() === wanted) return v;
  return undefined;
}

/**
 * Parses `Name: value` as given with `-H` (curl style). Returns undefined when there is no colon
 * or the name is not a valid HTTP token.
 */
export function parseHeaderLine(line: string): HeaderPair | undefined {
  const colon = line.indexOf(":");
  if (colon <= 0) return undefined;
  const name = line.slice(0, colon).trim();
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return undefined;
  return [name, line.slice(colon + 1).trim()];
}
