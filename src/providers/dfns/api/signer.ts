// whtool's own Dfns Key-credential signer, in place of @dfns/sdk-keysigner: its newest release (0.8.3)
// peer-pins @dfns/sdk to 0.8.3, so a current SDK would only install with --legacy-peer-deps. It signs
// the user-action challenge as providers.md (Dfns, step 2) describes and the keysigner did:
// clientData = JSON {type:"key.get", challenge}, signed with the credential's private key, both
// base64url. Loaded only with the SDK (on the first API call), as it throws the SDK's own DfnsError.
import { createPrivateKey, type KeyObject, sign } from "node:crypto";
import { type CredentialSigner, DfnsError, type KeyAssertion, type UserActionChallenge } from "@dfns/sdk";

export interface KeySignerOptions {
  /** The Key credential's id (DFNS_CRED_ID). */
  readonly credId: string;
  /** Its private key, PEM (DFNS_PRIVATE_KEY, already read). */
  readonly privateKey: string | KeyObject;
}

export class KeySigner implements CredentialSigner<KeyAssertion> {
  readonly #credId: string;
  readonly #key: KeyObject;

  constructor(options: KeySignerOptions) {
    this.#credId = options.credId;
    this.#key =
      typeof options.privateKey === "string" ? createPrivateKey(options.privateKey) : options.privateKey;
  }

  async sign(challenge: UserActionChallenge): Promise<KeyAssertion> {
    const allowed = challenge.allowCredentials.key.map((credential) => credential.id);
    // Refused before signing, as the keysigner did (status -1): errors.ts turns it into "check DFNS_CRED_ID".
    if (!allowed.includes(this.#credId))
      throw new DfnsError(
        -1,
        `${this.#credId} is not among the credentials Dfns allows: ${allowed.join(", ")}`,
      );
    const clientData = Buffer.from(JSON.stringify({ type: "key.get", challenge: challenge.challenge }));
    return {
      kind: "Key",
      credentialAssertion: {
        credId: this.#credId,
        clientData: clientData.toString("base64url"),
        signature: sign(digestFor(this.#key), clientData, this.#key).toString("base64url"),
      },
    };
  }
}

/**
 * The digest by key type: none for EdDSA (Ed25519 signs the message itself), SHA-256 for ECDSA P-256 and
 * RSA (PKCS#1 v1.5), the kinds Dfns takes for Key credentials. ECDSA signatures are DER, as Dfns expects.
 */
function digestFor(key: KeyObject): string | null {
  return key.asymmetricKeyType === "ed25519" || key.asymmetricKeyType === "ed448" ? null : "sha256";
}
