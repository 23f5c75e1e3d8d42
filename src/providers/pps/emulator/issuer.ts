import { randomBytes } from "node:crypto";
import { generateSigningKey, jwksOf, type SigningKey } from "../../signing-key.js";
import type { PpsSigner } from "../outbound.js";

/**
 * The emulator's own OIDC issuer, laid out like Google's securetoken issuer PointServices uses
 * (providers.md: `iss` = `https://securetoken.google.com/<project>`, JWKS under
 * `/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com`), but on loopback:
 *   issuer   = {url}/securetoken/{projectId}
 *   jwks_uri = {url}/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com
 */
export const JWKS_PATH = "/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com";
/** How many keys the JWKS publishes: the signing key and the one before it (as Google's rotation does). */
export const PUBLISHED_KEYS = 2;

/** `pps-emulator-` and six digits, in the form of the guide's `pps-local-dev-376022`. */
export function randomProjectId(): string {
  return `pps-emulator-${String(100_000 + (randomBytes(4).readUInt32BE(0) % 900_000))}`;
}

/** Google securetoken kids are 40 hex digits (the guide's `a1818f44…`). */
const newKey = () => generateSigningKey("RS256", randomBytes(20).toString("hex"));

export class PpsIssuer {
  /** Newest (signing) key first. */
  #keys: SigningKey[];

  private constructor(
    readonly issuer: string,
    readonly audience: string,
    readonly jwksUri: string,
    first: SigningKey,
  ) {
    this.#keys = [first];
  }

  static async create(baseUrl: string, projectId: string): Promise<PpsIssuer> {
    return new PpsIssuer(
      `${baseUrl}/securetoken/${projectId}`,
      projectId,
      `${baseUrl}${JWKS_PATH}`,
      await newKey(),
    );
  }

  /** Signs with the newest key; read at each attempt so a retry after a rotation uses the new key. */
  get signer(): PpsSigner {
    const key = this.#keys[0];
    if (!key) throw new Error("issuer has no key");
    return { key, issuer: this.issuer, audience: this.audience };
  }

  get kids(): string[] {
    return this.#keys.map((k) => k.kid);
  }

  /** A new key signs from now on; the previous one stays published so tokens already sent still verify. */
  async rotate(): Promise<{ kid: string; previousKid: string | null; published: string[] }> {
    const previousKid = this.#keys[0]?.kid ?? null;
    const key = await newKey();
    this.#keys = [key, ...this.#keys].slice(0, PUBLISHED_KEYS);
    return { kid: key.kid, previousKid, published: this.kids };
  }

  /** What Google's securetoken discovery document holds. */
  discovery() {
    return {
      issuer: this.issuer,
      jwks_uri: this.jwksUri,
      response_types_supported: ["id_token"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256"],
    };
  }

  jwks() {
    return jwksOf(this.#keys);
  }
}
