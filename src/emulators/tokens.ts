import { randomBytes } from "node:crypto";

export type TokenState = "valid" | "expired" | "unknown";

/** OAuth access tokens that really expire, judged by the emulator's clock. */
export class TokenStore {
  readonly #expiry = new Map<string, { expiresAt: number; subject: string }>();

  constructor(
    private readonly now: () => Date,
    readonly ttlS: number,
  ) {}

  issue(subject: string, prefix = "tok_"): { token: string; expiresIn: number } {
    const token = `${prefix}${randomBytes(24).toString("base64url")}`;
    this.#expiry.set(token, { expiresAt: this.now().getTime() + this.ttlS * 1000, subject });
    return { token, expiresIn: this.ttlS };
  }

  check(token: string | undefined): TokenState {
    const entry = token === undefined ? undefined : this.#expiry.get(token);
    if (!entry) return "unknown";
    return this.now().getTime() < entry.expiresAt ? "valid" : "expired";
  }

  subject(token: string): string | undefined {
    return this.#expiry.get(token)?.subject;
  }

  /** Emulator control: make every issued token expired now (to test renew-on-expiry). */
  expireAll(): number {
    const now = this.now().getTime();
    for (const entry of this.#expiry.values()) entry.expiresAt = now;
    return this.#expiry.size;
  }
}
