import type { Delivery, HeaderPair } from "../../src/core/delivery.js";

/** The judging instant used across verifier tests. */
export const AT = new Date("2026-11-23T10:00:00.000Z");
export const AT_S = AT.getTime() / 1000;

export function makeDelivery(
  headers: HeaderPair[],
  body: Uint8Array | string,
  receivedAt: Date = AT,
): Delivery {
  return {
    id: "test-delivery",
    method: "POST",
    path: "/webhooks",
    headers,
    body: typeof body === "string" ? Buffer.from(body) : body,
    receivedAt,
  };
}

/** A copy of the body with one byte changed (the last, unless told). */
export function flipByte(body: Uint8Array, index = body.length - 1): Buffer {
  const copy = Buffer.from(body);
  copy[index] = (copy[index] ?? 0) ^ 0x01;
  return copy;
}

/** Replaces (or removes, with value undefined) a header by name, case-insensitively. */
export function withHeader(
  headers: readonly HeaderPair[],
  name: string,
  value: string | undefined,
): HeaderPair[] {
  const others = headers.filter(([n]) => n.toLowerCase() !== name.toLowerCase());
  return value === undefined ? others : [...others, [name, value]];
}

export function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}
