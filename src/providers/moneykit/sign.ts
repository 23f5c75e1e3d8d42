import { SignJWT } from "jose";
import { sha256 } from "../../core/bytes.js";
import type { HeaderPair } from "../../core/delivery.js";
import type { SigningKey } from "../signing-key.js";
import { MONEYKIT_DEFAULT_API_URL, MONEYKIT_SIGNATURE_HEADER } from "./info.js";

export interface MoneyKitSignOptions {
  /** Unix seconds. */
  readonly iat: number;
  readonly issuer?: string;
}

/** The MoneyKit-Signature JWT: ES256 over {iss, iat, request_body_sha256 = hex sha256 of the exact body}. */
export function signMoneyKit(
  body: Uint8Array,
  key: SigningKey,
  options: MoneyKitSignOptions,
): Promise<string> {
  return new SignJWT({
    iss: options.issuer ?? MONEYKIT_DEFAULT_API_URL,
    iat: options.iat,
    request_body_sha256: sha256(body).toString("hex"),
  })
    .setProtectedHeader({ alg: "ES256", kid: key.kid, typ: "JWT" })
    .sign(key.privateKey);
}

export function moneykitHeaders(signature: string, deliveryToken: string, attempt: number): HeaderPair[] {
  return [
    ["Content-Type", "application/json"],
    [MONEYKIT_SIGNATURE_HEADER, signature],
    ["MoneyKit-Delivery-Token", deliveryToken],
    ["MoneyKit-Delivery-Attempt", String(attempt)],
  ];
}
