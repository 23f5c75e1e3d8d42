import { safeEqualHidingLength, utf8 } from "../../../core/bytes.js";
import { bearer, type EmuRequest } from "../../../emulators/router.js";
import { TokenStore } from "../../../emulators/tokens.js";
import { problem } from "./problem.js";

/**
 * Bearer tokens for the test-webhook endpoint. The real token's form and lifetime are not documented
 * (providers.md: "takes Bearer auth"): the emulator issues opaque `pps_…` tokens that expire on its clock.
 */
export class ApiTokens {
  readonly #store: TokenStore;
  readonly #issued: string[] = [];

  constructor(now: () => Date, ttlS: number) {
    this.#store = new TokenStore(now, ttlS);
  }

  issue(): { token: string; expiresIn: number } {
    const issued = this.#store.issue("pps-test-webhook", "pps_");
    this.#issued.push(issued.token);
    return issued;
  }

  expireAll(): number {
    return this.#store.expireAll();
  }

  /** Throws a 401 problem (with WWW-Authenticate, as ASP.NET's JwtBearer answers) unless the bearer is valid. */
  authorize(req: EmuRequest): void {
    const presented = bearer(req);
    if (presented === undefined)
      throw problem(401, "An Authorization: Bearer <token> header is required.", {
        headers: { "www-authenticate": "Bearer" },
      });
    // Constant-time against every issued token; the store then judges expiry on the emulator clock.
    const match = this.#issued.find((token) => safeEqualHidingLength(utf8(token), utf8(presented)));
    const state = this.#store.check(match);
    if (state === "valid") return;
    const description = state === "expired" ? "The token has expired" : "The token is not valid";
    throw problem(401, `${description}.`, {
      headers: { "www-authenticate": `Bearer error="invalid_token", error_description="${description}"` },
    });
  }
}
