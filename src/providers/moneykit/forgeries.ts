import type { HeaderPair } from "../../core/delivery.js";
import { pretty, rotatedKeyCase, tamper, unsigned } from "../forgery-tools.js";
import { generateSigningKey, type SigningKey } from "../signing-key.js";
import type { Forgeries } from "../types.js";
import { MONEYKIT_SIGNATURE_HEADER } from "./info.js";
import { moneykitHeaders, signMoneyKit } from "./sign.js";

/** What MoneyKit's ES256 token and body hash must refuse, and the non-compact body they must accept. */
export const moneykitForgeries: Forgeries = async (input) => {
  const { valid, credentials, now } = input;
  const key = credentials.key as SigningKey;
  const iat = Math.floor(now.getTime() / 1000);
  const token = (headers: readonly HeaderPair[]) =>
    headers.find(([n]) => n === MONEYKIT_SIGNATURE_HEADER)?.[1] ?? "";
  const with_ = (jwt: string, body: Uint8Array = valid.body) =>
    ({ headers: moneykitHeaders(jwt, "dt_check", 1), body }) as const;
  const foreign = await generateSigningKey("ES256", key.kid);
  const body = pretty(valid.body);
  return [
    {
      name: "tampered body",
      expect: "reject",
      why: "request_body_sha256 no longer matches the body",
      headers: valid.headers,
      body: tamper(valid.body),
    },
    {
      name: "foreign key under a published kid",
      expect: "reject",
      why: "signed by a key that is not in the JWKS",
      ...with_(await signMoneyKit(valid.body, foreign, { iat })),
    },
    {
      name: "alg none",
      expect: "reject",
      why: "an unsigned token: only ES256 is allowed",
      ...with_(unsigned(token(valid.headers))),
    },
    {
      name: "token issued in the future (+10 min)",
      expect: "reject",
      why: "iat beyond the 5-minute leeway",
      ...with_(await signMoneyKit(valid.body, key, { iat: iat + 600 })),
    },
    {
      name: "valid, body not in compact JSON",
      expect: "accept",
      why: "the hash covers the exact bytes; re-serialising breaks it",
      ...with_(await signMoneyKit(body, key, { iat }), body),
    },
    ...(await rotatedKeyCase(input, "ES256", async (rotated) =>
      with_(await signMoneyKit(valid.body, rotated, { iat })),
    )),
  ];
};
