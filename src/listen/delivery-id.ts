import { randomBytes } from "node:crypto";

// One random draw per process, then a counter: the profile showed randomFillSync once per delivery.
// The random start keeps two listeners (or a restart in the same millisecond) from colliding.
let next = randomBytes(5).readUIntBE(0, 5);
const WRAP = 2 ** 40;

/**
 * Unique and roughly time-ordered: sorting capture ids sorts deliveries by arrival (within one
 * millisecond, by the counter). `d_` + 9 base-36 digits of milliseconds + 10 hex digits.
 */
export function newDeliveryId(at: Date): string {
  next = (next + 1) % WRAP;
  return `d_${at.getTime().toString(36).padStart(9, "0")}${next.toString(16).padStart(10, "0")}`;
}
