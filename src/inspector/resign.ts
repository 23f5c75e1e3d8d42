import type { HeaderPair } from "../core/delivery.js";
import { headerValue } from "../core/delivery.js";
import type { ProviderId } from "../core/provider-id.js";
import { signBracken } from "../providers/bracken/sign.js";
import { signDfns } from "../providers/dfns/sign.js";
import { signKopoKopo } from "../providers/kopokopo/sign.js";
import { MONEYKIT_SIGNATURE_HEADER } from "../providers/moneykit/info.js";
import { signMoneyKit } from "../providers/moneykit/sign.js";
import { formatTriggeredAt, signPpsToken } from "../providers/pps/sign.js";
import type { SigningKey } from "../providers/signing-key.js";

/**
 * What whtool holds to sign with: the secret listen/verify would use (HMAC providers) and
 * whtool's persisted test key (JWT providers). Never sent to the page.
 */
export interface SigningMaterial {
  secret(provider: ProviderId): Promise<string | undefined>;
  testKey(alg: "ES256" | "RS256"): Promise<SigningKey | undefined>;
}

export interface Resigned {
  readonly headers: HeaderPair[];
  readonly body: Uint8Array;
}

/** The header's value replaced where it stands (name, case and order kept). */
function replaced(headers: readonly HeaderPair[], name: string, value: string): HeaderPair[] {
  const wanted = name.toLowerCase();
  return headers.map(([n, v]): HeaderPair => (n.toLowerCase() === wanted ? [n, value] : [n, v]));
}

/** The kid of a JWT's protected header, read without trusting anything else in it. */
async function jwtKid(token: string | undefined): Promise<string | undefined> {
  if (!token) return undefined;
  const { decodeProtectedHeader } = await import("jose");
  try {
    return decodeProtectedHeader(token).kid;
  } catch {
    return undefined;
  }
}

const bearer = (headers: readonly HeaderPair[]) =>
  /^Bearer\s+(\S+)$/i.exec(headerValue(headers, "authorization") ?? "")?.[1];

/**
 * Whether whtool can re-sign this delivery: it holds the HMAC secret, or, for a JWT provider, the
 * delivery was signed with whtool's own test key (re-signing a real provider's token with another
 * key would only produce a token the app rightly refuses).
 */
export async function canResign(
  provider: ProviderId | null,
  headers: readonly HeaderPair[],
  material: SigningMaterial,
): Promise<boolean> {
  if (provider === null) return false;
  if (provider === "moneykit") {
    const key = await material.testKey("ES256");
    return key !== undefined && (await jwtKid(headerValue(headers, MONEYKIT_SIGNATURE_HEADER))) === key.kid;
  }
  if (provider === "pps") {
    const key = await material.testKey("RS256");
    return key !== undefined && (await jwtKid(bearer(headers))) === key.kid;
  }
  return (await material.secret(provider)) !== undefined;
}

/**
 * Signs the delivery again as the provider would now: a fresh timestamp where the scheme has one
 * (Dfns `timestampSent` in the body, JWT `iat`, PointServices' triggered-at header). Only the
 * timestamp's digits and the signature change; every other byte and header stays as captured.
 */
export async function resign(
  provider: ProviderId,
  headers: readonly HeaderPair[],
  body: Uint8Array,
  material: SigningMaterial,
  now: Date,
): Promise<Resigned | undefined> {
  const nowS = Math.floor(now.getTime() / 1000);
  const secret = () => material.secret(provider);
  switch (provider) {
    case "dfns": {
      const key = await secret();
      if (key === undefined) return undefined;
      // latin1 maps every byte to one char and back, so the rest of the body is untouched.
      const text = Buffer.from(body).toString("latin1");
      const fresh = Buffer.from(text.replace(/("timestampSent"\s*:\s*)\d+/, `$1${nowS}`), "latin1");
      return { headers: replaced(headers, "X-DFNS-WEBHOOK-SIGNATURE", signDfns(fresh, key)), body: fresh };
    }
    case "bracken": {
      const key = await secret();
      return key === undefined
        ? undefined
        : { headers: replaced(headers, "Authorization", signBracken(body, key)), body };
    }
    case "kopokopo": {
      const key = await secret();
      return key === undefined
        ? undefined
        : { headers: replaced(headers, "X-KopoKopo-Signature", signKopoKopo(body, key)), body };
    }
    case "moneykit": {
      const key = await material.testKey("ES256");
      const token = headerValue(headers, MONEYKIT_SIGNATURE_HEADER);
      if (!key || !token || !(await canResign(provider, headers, material))) return undefined;
      const { decodeJwt } = await import("jose");
      const iss = decodeJwt(token).iss;
      const signature = await signMoneyKit(body, key, { iat: nowS, ...(iss ? { issuer: iss } : {}) });
      return { headers: replaced(headers, MONEYKIT_SIGNATURE_HEADER, signature), body };
    }
    case "pps": {
      const key = await material.testKey("RS256");
      const token = bearer(headers);
      if (!key || !token || !(await canResign(provider, headers, material))) return undefined;
      const { decodeJwt } = await import("jose");
      const claims = decodeJwt(token);
      const signed = await signPpsToken(key, {
        issuer: claims.iss ?? "",
        audience: (Array.isArray(claims.aud) ? claims.aud[0] : claims.aud) ?? "",
        subject: claims.sub ?? "whtool",
        iat: nowS,
        ...(typeof claims.email === "string" ? { email: claims.email } : {}),
      });
      const withToken = replaced(headers, "Authorization", `Bearer ${signed}`);
      return { headers: replaced(withToken, "X-Pps-Triggered-At", formatTriggeredAt(now)), body };
    }
  }
}
