import { type TokenState, TokenStore } from "../../../emulators/tokens.js";

/** What Doorkeeper's introspection and token-info answers say of a token. */
export interface IssuedToken {
  readonly clientId: string;
  readonly createdAt: Date;
}

/**
 * Kopo Kopo's access tokens (its OAuth server is Doorkeeper): they expire like every emulator's, and
 * can also be revoked (`POST /oauth/revoke`), after which every API call with them gets 401.
 */
export class KopoKopoTokens extends TokenStore {
  readonly #issued = new Map<string, IssuedToken>();
  readonly #revoked = new Set<string>();

  constructor(
    private readonly clock: () => Date,
    ttlS: number,
  ) {
    super(clock, ttlS);
  }

  override issue(subject: string, prefix = "tok_"): { token: string; expiresIn: number } {
    const issued = super.issue(subject, prefix);
    this.#issued.set(issued.token, { clientId: subject, createdAt: this.clock() });
    return issued;
  }

  /** A revoked token is no longer known to the API: InvalidAccessToken, as for a made-up one. */
  override check(token: string | undefined): TokenState {
    if (token !== undefined && this.#revoked.has(token)) return "unknown";
    return super.check(token);
  }

  isRevoked(token: string): boolean {
    return this.#revoked.has(token);
  }

  /** Revokes `token` if it was issued here; false for a token never issued (RFC 7009: still a 200). */
  revoke(token: string): boolean {
    if (!this.#issued.has(token)) return false;
    this.#revoked.add(token);
    return true;
  }

  issued(token: string): IssuedToken | undefined {
    return this.#issued.get(token);
  }

  /** Seconds left before `token` expires (0 once expired). */
  expiresIn(token: string): number {
    const issued = this.#issued.get(token);
    if (!issued) return 0;
    const left = issued.createdAt.getTime() + this.ttlS * 1000 - this.clock().getTime();
    return Math.max(0, Math.floor(left / 1000));
  }
}
