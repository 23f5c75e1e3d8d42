import { randomBytes } from "node:crypto";
import type { HeaderPair } from "../core/delivery.js";
import type { HmacScheme } from "./hmac-check.js";
import { generateSigningKey, type SigningKey } from "./signing-key.js";
import type { CheckCase, ForgeryInput } from "./types.js";

/** Building blocks of the providers' forgeries for `whtool check`. */

export const without = (headers: readonly HeaderPair[], name: string): HeaderPair[] =>
  headers.filter(([n]) => n.toLowerCase() !== name.toLowerCase());

export const replace = (headers: readonly HeaderPair[], name: string, value: string): HeaderPair[] => [
  ...without(headers, name),
  [name, value],
];

/** The body with one byte changed inside its last string value (so it stays JSON). */
export function tamper(body: Uint8Array): Buffer {
  const copy = Buffer.from(body);
  const quote = copy.lastIndexOf(0x22, copy.length - 2);
  const at = quote > 1 ? quote - 1 : copy.length - 1;
  copy[at] = copy[at] === 0x30 ? 0x31 : 0x30;
  return copy;
}

/** The same JSON, pretty-printed: valid, signed over these exact bytes, but not what JSON.stringify gives back. */
export function pretty(body: Uint8Array): Buffer {
  return Buffer.from(JSON.stringify(JSON.parse(Buffer.from(body).toString("utf8")), null, 2));
}

/** The same claims with `alg: none` and no signature. */
export function unsigned(jwt: string): string {
  const [, payload] = jwt.split(".");
  const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
  return `${header}.${payload ?? ""}.`;
}

/**
 * What every HMAC scheme must refuse: a tampered body and a foreign secret; and, where the provider
 * signs the bytes it sends (`signsRawBytes`), what it must still accept: the same JSON not compact.
 */
export async function hmacForgeries(
  scheme: HmacScheme,
  { event, valid, credentials, outbound, now }: ForgeryInput,
  signsRawBytes: boolean,
): Promise<CheckCase[]> {
  const other = { ...credentials, secret: `wrong-${randomBytes(8).toString("hex")}` };
  const cases: CheckCase[] = [
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
  ];
  if (signsRawBytes) {
    // A handler that re-serialises JSON before the HMAC breaks here.
    const body = pretty(valid.body);
    cases.push({
      name: "valid, body not in compact JSON",
      expect: "accept",
      why: "the signature covers the exact bytes; re-serialising the JSON before the HMAC breaks it",
      headers: replace(valid.headers, scheme.header, scheme.sign(body, credentials.secret ?? "")),
      body,
    });
  }
  return cases;
}

/**
 * A delivery signed by a key published only now (a new `kid`), as after a provider rotates its keys:
 * a handler that caches the JWKS must refetch on an unknown kid, not reject until its cache expires.
 */
export async function rotatedKeyCase(
  input: ForgeryInput,
  alg: "ES256" | "RS256",
  sign: (key: SigningKey) => Promise<{ headers: readonly HeaderPair[]; body: Uint8Array }>,
): Promise<CheckCase[]> {
  const { publishKey } = input;
  if (publishKey === undefined) return [];
  const rotated = await generateSigningKey(alg, `whtool-check-rotated-${randomBytes(4).toString("hex")}`);
  return [
    {
      name: "valid, signed by a newly published key",
      expect: "accept",
      why: "after a key rotation the delivery's kid is not in a cached JWKS: refetch the JWKS on an unknown kid",
      ...(await sign(rotated)),
      prepare: () => publishKey(rotated.publicJwk),
    },
  ];
}
