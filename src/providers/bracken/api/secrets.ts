import { randomBytes, randomInt } from "node:crypto";

/** A webhook secret whtool chooses: 32 random bytes, base64url (256 bits). */
export function generateWebhookSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** `whtool-test-` and six random hex digits: recognisable as a test user, unlikely to collide. */
export function testUsername(): string {
  return `whtool-test-${randomBytes(3).toString("hex")}`;
}

// One of each class satisfies ASP.NET Identity's default password rules (upper, lower, digit,
// non-alphanumeric), the stack Bracken's identity server runs on; look-alike characters left out.
const CLASSES = ["ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnpqrstuvwxyz", "23456789", "!#$%*+-=?@^_~"];

/** A strong random password (24 characters, about 140 bits); never printed or stored. */
export function strongPassword(length = 24): string {
  const all = CLASSES.join("");
  const pick = (set: string) => set[randomInt(set.length)] ?? "x";
  const chars = CLASSES.map(pick);
  while (chars.length < length) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] ?? "", chars[i] ?? ""];
  }
  return chars.join("");
}
