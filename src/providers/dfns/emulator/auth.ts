// Dfns authentication as the emulator enforces it: a service-account bearer token (JWT-shaped, so the
// SDK's `orgId` check can read its org claim), one Key credential (ECDSA P-256), and the user-action
// signing flow (providers.md, Dfns: POST /auth/action/init → sign clientData → POST /auth/action →
// X-DFNS-USERACTION, single use). The shapes follow @dfns/sdk 0.8.21 (baseAuthApi.js,
// utils/userActionFetch.js) and the Key signer it is used with (api/signer.ts): clientData is
// base64url(JSON {type:"key.get", challenge}), the signature base64url of a DER ECDSA-SHA256 signature.
import { createPublicKey, generateKeyPairSync, type KeyObject, randomBytes, verify } from "node:crypto";
import { safeEqualHidingLength, utf8 } from "../../../core/bytes.js";
import { isRecord } from "../../../core/json-body.js";
import { bearer, type EmuRequest } from "../../../emulators/router.js";
import { TokenStore } from "../../../emulators/tokens.js";
import { dfnsId } from "../samples.js";
import { badRequest, DFNS_MESSAGES, dfnsError } from "./errors.js";

export interface DfnsAuthOptions {
  readonly now: () => Date;
  readonly tokenTtlS: number;
  readonly userActionTtlS: number;
  readonly badAssertionStatus: 401 | 403;
}

/** What a user action was signed for: it is good for exactly this request, once. */
interface SignedIntent {
  readonly subject: string;
  readonly method: string;
  readonly path: string;
  readonly payload: string;
  readonly expiresAt: number;
}

interface Challenge extends SignedIntent {
  readonly challenge: string;
  readonly credIds: readonly string[];
}

interface UserAction extends SignedIntent {
  used: boolean;
}

const METHODS = ["POST", "PUT", "DELETE", "GET"];
const B64URL = /^[A-Za-z0-9_-]+$/;

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

export class DfnsAuth {
  readonly orgId = dfnsId("or");
  /** The service account's user id: the subject of its tokens. */
  readonly userId = dfnsId("us");
  readonly tokens: TokenStore;
  /** The generated Key credential: id and private key PEM (handed out once, through env). */
  readonly credId = randomBytes(32).toString("base64url");
  readonly privateKeyPem: string;
  readonly #publicKeys = new Map<string, KeyObject>();
  readonly #challenges = new Map<string, Challenge>();
  readonly #actions = new Map<string, UserAction>();

  constructor(private readonly options: DfnsAuthOptions) {
    this.tokens = new TokenStore(options.now, options.tokenTtlS);
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    this.privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    this.#publicKeys.set(this.credId, publicKey);
  }

  /** Registers another public key (PEM or KeyObject) as a Key credential of the service account. */
  addCredential(publicKey: string | KeyObject, credId = randomBytes(32).toString("base64url")): string {
    this.#publicKeys.set(credId, typeof publicKey === "string" ? createPublicKey(publicKey) : publicKey);
    return credId;
  }

  /** A service-account token shaped like Dfns' JWTs (org and user in the `https://custom/app_metadata` claim). */
  issueToken(): string {
    const iat = Math.floor(this.options.now().getTime() / 1000);
    const header = b64url({ alg: "EdDSA", typ: "JWT" });
    const claims = b64url({
      iss: "auth.dfns.io",
      aud: "dfns:auth:user",
      sub: this.orgId,
      jti: dfnsId("to"),
      "https://custom/username": "",
      "https://custom/app_metadata": { userId: this.userId, orgId: this.orgId, tokenKind: "Service" },
      iat,
      exp: iat + this.options.tokenTtlS,
    });
    // TokenStore appends a random tail: it stands where the JWT signature would be, and the store
    // (not the claims) decides validity and expiry on the emulator clock.
    return this.tokens.issue(this.userId, `${header}.${claims}.`).token;
  }

  /** The caller's subject, or 401 (providers.md: every call needs `Authorization: Bearer`). */
  requireToken(req: EmuRequest): string {
    const token = bearer(req);
    const state = this.tokens.check(token);
    if (state === "expired")
      throw dfnsError(401, `${DFNS_MESSAGES.notAuthorized} The auth token has expired.`);
    const subject = token === undefined ? undefined : this.tokens.subject(token);
    if (state !== "valid" || subject === undefined) throw dfnsError(401, DFNS_MESSAGES.notAuthorized);
    return subject;
  }

  /** POST /auth/action/init → the challenge object @dfns/sdk's signers read. */
  initChallenge(body: Record<string, unknown>, subject: string): Record<string, unknown> {
    const { userActionPayload: payload, userActionHttpMethod: method, userActionHttpPath: path } = body;
    const serverKind = body.userActionServerKind;
    if (typeof payload !== "string")
      throw badRequest("userActionPayload must be a string (the JSON body to send)");
    if (typeof method !== "string" || !METHODS.includes(method))
      throw badRequest(`userActionHttpMethod must be one of ${METHODS.join(", ")}`);
    if (typeof path !== "string" || !path.startsWith("/"))
      throw badRequest("userActionHttpPath must be a path");
    if (serverKind !== undefined && serverKind !== "Api")
      throw badRequest('userActionServerKind must be "Api"');
    const challenge = randomBytes(32).toString("base64url");
    const challengeIdentifier = `${b64url({ alg: "EdDSA", typ: "JWT" })}.${b64url({ sub: subject, nonce: randomBytes(8).toString("hex") })}.${randomBytes(32).toString("base64url")}`;
    const credIds = [...this.#publicKeys.keys()];
    this.#challenges.set(challengeIdentifier, {
      challenge,
      credIds,
      subject,
      method,
      path,
      payload,
      expiresAt: this.#expiry(),
    });
    return {
      supportedCredentialKinds: [{ kind: "Key", factor: "first", requiresSecondFactor: false }],
      challenge,
      challengeIdentifier,
      externalAuthenticationUrl: "",
      allowCredentials: { key: credIds.map((id) => ({ type: "public-key", id })), webauthn: [] },
      userVerification: "required",
      attestation: "none",
    };
  }

  /** POST /auth/action: verifies the Key assertion for real and returns a single-use user action. */
  completeChallenge(body: Record<string, unknown>, subject: string): { userAction: string } {
    const { challengeIdentifier, firstFactor } = body;
    if (typeof challengeIdentifier !== "string") throw badRequest("challengeIdentifier must be a string");
    if (!isRecord(firstFactor) || typeof firstFactor.kind !== "string")
      throw badRequest("firstFactor must be a credential assertion with a kind");
    const assertion = firstFactor.credentialAssertion;
    if (firstFactor.kind !== "Key") throw dfnsError(401, DFNS_MESSAGES.noCredential);
    if (
      !isRecord(assertion) ||
      typeof assertion.credId !== "string" ||
      typeof assertion.clientData !== "string" ||
      typeof assertion.signature !== "string"
    )
      throw badRequest("firstFactor.credentialAssertion needs credId, clientData and signature strings");

    const pending = this.#challenges.get(challengeIdentifier);
    // One attempt per challenge, right or wrong.
    this.#challenges.delete(challengeIdentifier);
    if (!pending || pending.subject !== subject || this.#expired(pending))
      throw badRequest(DFNS_MESSAGES.challengeInvalid);
    const publicKey = this.#publicKeys.get(assertion.credId);
    if (!publicKey || !pending.credIds.includes(assertion.credId))
      throw dfnsError(401, DFNS_MESSAGES.noCredential);

    const refuse = (why: string) =>
      dfnsError(this.options.badAssertionStatus, `Invalid credential assertion: ${why}`);
    if (!B64URL.test(assertion.clientData) || !B64URL.test(assertion.signature))
      throw refuse("clientData and signature must be base64url");
    const clientDataBytes = Buffer.from(assertion.clientData, "base64url");
    let clientData: unknown;
    try {
      clientData = JSON.parse(clientDataBytes.toString("utf8"));
    } catch {
      throw refuse("clientData is not JSON");
    }
    if (!isRecord(clientData) || clientData.type !== "key.get")
      throw refuse('clientData.type must be "key.get"');
    if (
      typeof clientData.challenge !== "string" ||
      !safeEqualHidingLength(utf8(clientData.challenge), utf8(pending.challenge))
    )
      throw refuse("clientData.challenge is not the challenge issued");
    const algorithm = typeof assertion.algorithm === "string" ? assertion.algorithm : undefined;
    if (
      !verifyAssertion(publicKey, clientDataBytes, Buffer.from(assertion.signature, "base64url"), algorithm)
    )
      throw refuse("signature does not verify with the credential's public key");

    const userAction = `${b64url({ alg: "EdDSA", typ: "JWT" })}.${b64url({ sub: subject, act: dfnsId("ua") })}.${randomBytes(32).toString("base64url")}`;
    this.#actions.set(userAction, { ...pending, expiresAt: this.#expiry(), used: false });
    return { userAction };
  }

  /**
   * Checks X-DFNS-USERACTION on a mutating call: present, issued to this caller, unexpired, unused, and
   * signed for this very method, path and body. Missing or invalid → 403, reused → 400
   * (dfns-api-docs getting-started/errors.md).
   */
  requireUserAction(req: EmuRequest, subject: string): void {
    const header = req.headers["x-dfns-useraction"];
    const token = Array.isArray(header) ? header[0] : header;
    const action = token === undefined ? undefined : this.#actions.get(token);
    if (!action || action.subject !== subject || this.#expired(action))
      throw dfnsError(403, DFNS_MESSAGES.userActionInvalid);
    if (action.used) throw badRequest(DFNS_MESSAGES.userActionUsed);
    action.used = true;
    const payload = req.body.toString("utf8");
    if (action.method !== req.method || action.path !== req.path)
      throw dfnsError(
        403,
        `${DFNS_MESSAGES.userActionInvalid} (signed for ${action.method} ${action.path}, not ${req.method} ${req.path})`,
      );
    if (!safeEqualHidingLength(utf8(action.payload), utf8(payload)))
      throw dfnsError(
        403,
        `${DFNS_MESSAGES.userActionInvalid} (the body is not the userActionPayload signed)`,
      );
  }

  #expiry(): number {
    return this.options.now().getTime() + this.options.userActionTtlS * 1000;
  }

  #expired(intent: SignedIntent): boolean {
    return this.options.now().getTime() >= intent.expiresAt;
  }
}

/** ECDSA/RSA over SHA-256 unless the assertion names a digest; Ed25519 takes none (node:crypto). */
function verifyAssertion(
  key: KeyObject,
  data: Buffer,
  signature: Buffer,
  algorithm: string | undefined,
): boolean {
  const digest = key.asymmetricKeyType === "ed25519" ? null : (algorithm ?? "sha256");
  try {
    return verify(digest, data, key, signature);
  } catch {
    return false;
  }
}
