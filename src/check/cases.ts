import { randomBytes } from "node:crypto";
import type { HeaderPair } from "../core/delivery.js";
import type { ProviderId } from "../core/provider-id.js";
import { signBracken } from "../providers/bracken/sign.js";
import { signDfns } from "../providers/dfns/sign.js";
import { signKopoKopo } from "../providers/kopokopo/sign.js";
import { moneykitHeaders, signMoneyKit } from "../providers/moneykit/sign.js";
import { ppsHeaders, signPpsToken } from "../providers/pps/sign.js";
import { generateSigningKey, type SigningKey } from "../providers/signing-key.js";
import type { Outbound, OutboundCredentials, OutboundDelivery } from "../providers/types.js";

/** One request of the conformance suite and what a correct handler answers. */
export interface CheckCase {
  readonly name: string;
  readonly expect: "accept" | "reject";
  /** Why a handler must answer so, shown when it does not. */
  readonly why: string;
  readonly headers: readonly HeaderPair[];
  readonly body: Uint8Array;
}

const SIGNATURE_HEADER: Record<ProviderId, string> = {
  moneykit: "MoneyKit-Signature",
  dfns: "X-DFNS-WEBHOOK-SIGNATURE",
  bracken: "Authorization",
  kopokopo: "X-KopoKopo-Signature",
  pps: "Authorization",
};

const without = (headers: readonly HeaderPair[], name: string) =>
  headers.filter(([n]) => n.toLowerCase() !== name.toLowerCase());
const replace = (headers: readonly HeaderPair[], name: string, value: string): HeaderPair[] => [
  ...without(headers, name),
  [name, value],
];

/** The body with one byte changed inside its last string value (so it stays JSON). */
function tamper(body: Uint8Array): Buffer {
  const copy = Buffer.from(body);
  const quote = copy.lastIndexOf(0x22, copy.length - 2);
  const at = quote > 1 ? quote - 1 : copy.length - 1;
  copy[at] = copy[at] === 0x30 ? 0x31 : 0x30;
  return copy;
}

/** The same JSON, pretty-printed: valid, signed over these exact bytes, but not what JSON.stringify gives back. */
function pretty(body: Uint8Array): Buffer {
  return Buffer.from(JSON.stringify(JSON.parse(Buffer.from(body).toString("utf8")), null, 2));
}

/**
 * The suite for one provider: a valid delivery, a resend of it (a duplicate must still get 2xx:
 * providers retry anything else), and the forgeries each scheme must refuse.
 */
export async function buildCases(
  provider: ProviderId,
  outbound: Outbound,
  credentials: OutboundCredentials,
  now: Date,
): Promise<CheckCase[]> {
  const event = outbound.events[0] ?? "";
  const valid = await outbound.build(event, credentials, now);
  const header = SIGNATURE_HEADER[provider];
  const cases: CheckCase[] = [
    { name: "valid delivery", expect: "accept", why: "a correctly signed delivery must get 2xx", ...valid },
    {
      name: "duplicate of the valid delivery",
      expect: "accept",
      why: "a duplicate must get 2xx (dedupe, don't reject: providers retry anything else)",
      ...valid,
    },
    {
      name: "missing signature",
      expect: "reject",
      why: `no ${header} header: nothing proves the sender`,
      headers: without(valid.headers, header),
      body: valid.body,
    },
  ];
  const other = { ...credentials, secret: `wrong-${randomBytes(8).toString("hex")}` };
  switch (provider) {
    case "dfns":
    case "bracken":
    case "kopokopo": {
      const sign = { dfns: signDfns, bracken: signBracken, kopokopo: signKopoKopo }[provider];
      const secret = credentials.secret ?? "";
      cases.push(
        {
          name: "tampered body",
          expect: "reject",
          why: "one byte of the body changed after signing",
          headers: valid.headers,
          body: tamper(valid.body),
        },
        {
          name: "wrong secret",
          expect: "reject",
          why: "signed with a secret that is not yours",
          ...(await outbound.build(event, other, now)),
        },
      );
      if (provider !== "bracken") {
        // Dfns and Kopo Kopo sign the bytes they send; a handler that re-serialises JSON first breaks here.
        const body = pretty(valid.body);
        cases.push({
          name: "valid, body not in compact JSON",
          expect: "accept",
          why: "the signature covers the exact bytes; re-serialising the JSON before the HMAC breaks it",
          headers: replace(valid.headers, header, sign(body, secret)),
          body,
        });
      }
      if (provider === "dfns") cases.push(await staleDfns(outbound, credentials, now));
      break;
    }
    case "moneykit":
      cases.push(...(await moneykitForgeries(valid, credentials, now)));
      break;
    case "pps":
      cases.push(...(await ppsForgeries(valid, credentials, now)));
      break;
  }
  return cases;
}

async function staleDfns(
  outbound: Outbound,
  credentials: OutboundCredentials,
  now: Date,
): Promise<CheckCase> {
  const stale = await outbound.build(
    outbound.events[0] ?? "",
    credentials,
    new Date(now.getTime() - 600_000),
  );
  return {
    name: "stale timestamp (sent 600 s ago)",
    expect: "reject",
    why: "Dfns: reject when |now - timestampSent| >= 300 s (replays)",
    ...stale,
  };
}

async function moneykitForgeries(
  valid: OutboundDelivery,
  credentials: OutboundCredentials,
  now: Date,
): Promise<CheckCase[]> {
  const key = credentials.key as SigningKey;
  const iat = Math.floor(now.getTime() / 1000);
  const token = (headers: readonly HeaderPair[]) =>
    headers.find(([n]) => n === "MoneyKit-Signature")?.[1] ?? "";
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
  ];
}

async function ppsForgeries(
  valid: OutboundDelivery,
  credentials: OutboundCredentials,
  now: Date,
): Promise<CheckCase[]> {
  const key = credentials.key as SigningKey;
  const iat = Math.floor(now.getTime() / 1000);
  const issuer = credentials.issuer ?? "";
  const audience = credentials.audience ?? "";
  const headersOf = (jwt: string) =>
    ppsHeaders(jwt, {
      topic: "orders/placed",
      tenantId: "OU1243",
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
  ];
}

/** The same claims with `alg: none` and no signature. */
function unsigned(jwt: string): string {
  const [, payload] = jwt.split(".");
  const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
  return `${header}.${payload ?? ""}.`;
}
