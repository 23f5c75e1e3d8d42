// Independent JWT signing with node:crypto only (no jose): the "independently written signing code"
// the verifiers are tested against, plus the forgeries they must reject.
import { createHmac, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import type { JWK } from "jose";

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

export function signingInput(header: object, payload: object): string {
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
}

export interface RawKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly jwk: JWK;
}

export function rawKey(kind: "ES256" | "RS256", kid: string): RawKey {
  const { privateKey, publicKey } =
    kind === "ES256"
      ? generateKeyPairSync("ec", { namedCurve: "P-256" })
      : generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...(publicKey.export({ format: "jwk" }) as JWK), kid, alg: kind, use: "sig" };
  return { kid, privateKey, publicKey, jwk };
}

/** ES256 (P-256, raw r||s) or RS256 JWT signed by hand. */
export function signRaw(key: RawKey, alg: "ES256" | "RS256", payload: object, header: object = {}): string {
  const input = signingInput({ alg, kid: key.kid, typ: "JWT", ...header }, payload);
  const signature =
    alg === "ES256"
      ? sign("sha256", Buffer.from(input), { key: key.privateKey, dsaEncoding: "ieee-p1363" })
      : sign("sha256", Buffer.from(input), key.privateKey);
  return `${input}.${b64url(signature)}`;
}

/** `alg: none`: an unsigned token. */
export function unsigned(payload: object, kid: string): string {
  return `${signingInput({ alg: "none", kid, typ: "JWT" }, payload)}.`;
}

/** The classic confusion attack: HS256 keyed with the public key's PEM text. */
export function hs256WithPublicKey(key: RawKey, payload: object): string {
  const input = signingInput({ alg: "HS256", kid: key.kid, typ: "JWT" }, payload);
  const pem = key.publicKey.export({ format: "pem", type: "spki" });
  return `${input}.${b64url(createHmac("sha256", pem).update(input).digest())}`;
}
