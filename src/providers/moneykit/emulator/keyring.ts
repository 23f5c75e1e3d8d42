import { randomBytes } from "node:crypto";
import type { JWK } from "jose";
import { generateSigningKey, jwksOf, type SigningKey } from "../../signing-key.js";

/**
 * MoneyKit's webhook signing keys. Seed 000: keys rotate regularly and the previous `kid` stays
 * published for a while, so the JWKS holds the current key and the one before it; older ones go.
 */
export class KeyRing {
  #current: SigningKey;
  #previous: SigningKey | undefined;

  private constructor(first: SigningKey) {
    this.#current = first;
  }

  static async create(): Promise<KeyRing> {
    return new KeyRing(await generateSigningKey("ES256", newKid()));
  }

  /** The key every signature made from now on uses. */
  get current(): SigningKey {
    return this.#current;
  }

  jwks(): { keys: JWK[] } {
    return jwksOf(this.#previous ? [this.#current, this.#previous] : [this.#current]);
  }

  /** A new current key; the old current stays published as the previous one, the one before is dropped. */
  async rotate(): Promise<{ kid: string; previousKid: string; dropped: string | null }> {
    const next = await generateSigningKey("ES256", newKid());
    const dropped = this.#previous?.kid ?? null;
    this.#previous = this.#current;
    this.#current = next;
    return { kid: next.kid, previousKid: this.#previous.kid, dropped };
  }
}

/** A fresh kid (the format of MoneyKit's real kids is not published). */
function newKid(): string {
  return `mk-es256-${randomBytes(8).toString("hex")}`;
}
