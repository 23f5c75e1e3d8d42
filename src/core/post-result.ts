import type { HeaderPair } from "./delivery.js";

/** What a receiver answered to a POST (whtool's forward, replay, send): plain data, no I/O. */
export interface PostResult {
  /** The receiver's status, or null when no answer came (error says why). */
  readonly status: number | null;
  readonly error: string | null;
  /** No connection could be made (refused, no route, no such host): nothing was there to answer. */
  readonly unreachable: boolean;
  /** Connected and sent, but no answer came within the timeout. */
  readonly timedOut: boolean;
  readonly durationMs: number;
  readonly headers: readonly HeaderPair[];
  readonly body: Buffer;
}

/** Whether a receiver accepted what was sent. */
export const answered2xx = (result: Pick<PostResult, "status">): boolean =>
  result.status !== null && result.status >= 200 && result.status < 300;

/** The first line of an answer's body, cut to `max` characters: what a person wants to see of it. */
export function firstLine(body: Uint8Array, max = 120): string {
  const head = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, max * 4)).toString("utf8");
  const line = head.split(/\r?\n/, 1)[0] ?? "";
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
