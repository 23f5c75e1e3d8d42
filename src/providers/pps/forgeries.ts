import { randomBytes } from "node:crypto";
import { rotatedKeyCase, unsigned } from "../forgery-tools.js";
import { generateSigningKey, type SigningKey } from "../signing-key.js";
import type { CheckCase, Forgeries } from "../types.js";
import { PPS_SAMPLE_TENANT } from "./outbound.js";
import { ppsHeaders, signPpsToken } from "./sign.js";

/** What a PointServices handler must refuse: expired, foreign-keyed, unsigned, untrusted or mis-addressed tokens. */
export const ppsForgeries: Forgeries = async (input) => {
  const { valid, credentials, now } = input;
  const key = credentials.key as SigningKey;
  const iat = Math.floor(now.getTime() / 1000);
  const issuer = credentials.issuer ?? "";
  const audience = credentials.audience ?? "";
  const headersOf = (jwt: string) =>
    ppsHeaders(jwt, {
      topic: "orders/placed",
      tenantId: PPS_SAMPLE_TENANT,
      webhookId: `check-${randomBytes(6).toString("hex")}`,
      triggeredAt: now.toISOString(),
    });
  const make = async (name: string, why: string, jwt: Promise<string> | string): Promise<CheckCase> => ({
    name,
    expect: "reject",
    why,
    headers: headersOf(await jwt),
    body: valid.body,
  });
  const base = { issuer, audience, subject: "whtool-check", iat };
  const foreign = await generateSigningKey("RS256", key.kid);
  const bearer = valid.headers.find(([n]) => n === "Authorization")?.[1]?.replace(/^Bearer /, "") ?? "";
  return [
    await make("expired token", "exp passed an hour ago", signPpsToken(key, { ...base, iat: iat - 7200 })),
    await make(
      "foreign key under a published kid",
      "signed by a key that is not in the issuer's JWKS",
      signPpsToken(foreign, base),
    ),
    await make("alg none", "an unsigned token: only RS256 is allowed", unsigned(bearer)),
    await make(
      "untrusted issuer",
      "iss is not in the trusted list (and must not be fetched)",
      signPpsToken(key, { ...base, issuer: "https://evil.example/issuer" }),
    ),
    await make(
      "wrong audience",
      "aud is not the project the handler trusts",
      signPpsToken(key, { ...base, audience: `${audience}-other` }),
    ),
    ...(await rotatedKeyCase(input, "RS256", async (rotated) => ({
      headers: headersOf(await signPpsToken(rotated, base)),
      body: valid.body,
    }))),
  ];
};
