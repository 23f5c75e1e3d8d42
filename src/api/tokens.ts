import { ApiError } from "./http.js";

export interface Token {
  readonly value: string;
  /** Epoch ms after which it is no longer used. */
  readonly expiresAt: number;
}

/**
 * An OAuth access token cached until it expires; a call that fails because the token expired
 * renews it once and tries again.
 */
export class TokenCache {
  #token: Token | undefined;

  constructor(
    private readonly fetchToken: () => Promise<Token>,
    private readonly now: () => Date,
    /** Whether an API error means "the token expired" (MoneyKit: api_error.auth.expired_access_token…). */
    private readonly isExpired: (error: ApiError) => boolean,
  ) {}

  async get(): Promise<string> {
    if (!this.#token || this.now().getTime() >= this.#token.expiresAt - 30_000)
      this.#token = await this.fetchToken();
    return this.#token.value;
  }

  /** Runs `call` with a token; on an expired-token answer, renews once and runs it again. */
  async with<T>(call: (token: string) => Promise<T>): Promise<T> {
    try {
      return await call(await this.get());
    } catch (error) {
      if (!(error instanceof ApiError) || !this.isExpired(error)) throw error;
      this.#token = undefined;
      return call(await this.get());
    }
  }
}
