import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { StaticKeyStore } from "../../src/adapters/jwks.js";
import { type Delivery, type HeaderPair, headerValue } from "../../src/core/delivery.js";
import { PROVIDER_IDS, type ProviderId } from "../../src/core/provider-id.js";
import { REASONS, type Verdict } from "../../src/core/verdict.js";
import { signBracken } from "../../src/providers/bracken/sign.js";
import { signDfns } from "../../src/providers/dfns/sign.js";
import { PROVIDERS } from "../../src/providers/index.js";
import { signKopoKopo } from "../../src/providers/kopokopo/sign.js";
import { generateSigningKey, jwksOf } from "../../src/providers/signing-key.js";
import type { VerifyOptions } from "../../src/providers/types.js";
import { AT, makeDelivery } from "../helpers/deliveries.js";

// Property-based: whatever arrives gets a verdict, and nothing but the signed bytes verifies.
// Runs are bounded (numRuns) but not seeded: a failure prints the seed and path to replay it.
const RUNS = 100;
const SECRET = "whs-fuzz-secret";
const ISSUER = "https://issuer.fuzz.example/p";
const AUDIENCE = "fuzz-project";
const mkKey = await generateSigningKey("ES256", "fz-mk");
const ppsKey = await generateSigningKey("RS256", "fz-pps");

const OPTIONS: Record<ProviderId, VerifyOptions> = {
  moneykit: { at: AT, secrets: [], keys: new StaticKeyStore(jwksOf([mkKey]), "fuzz JWKS") },
  pps: {
    at: AT,
    secrets: [],
    keys: new StaticKeyStore(jwksOf([ppsKey]), "fuzz JWKS"),
    trustedIssuers: [{ issuer: ISSUER, audiences: [AUDIENCE] }],
  },
  dfns: { at: AT, secrets: [SECRET] },
  bracken: { at: AT, secrets: [SECRET] },
  kopokopo: { at: AT, secrets: [SECRET] },
};
const SIGNATURE_HEADER: Record<ProviderId, string> = Object.fromEntries(
  PROVIDER_IDS.map((id) => [id, PROVIDERS[id].info.signatureHeader]),
) as Record<ProviderId, string>;
const SIGN: Record<string, (body: Uint8Array, secret: string) => string> = {
  dfns: signDfns,
  bracken: signBracken,
  kopokopo: signKopoKopo,
};
/** The HMAC providers whose sample code signs JSON.stringify(parsed): whitespace-only changes may verify. */
const COMPACT_FALLBACK = new Set<ProviderId>(["dfns", "bracken", "kopokopo"]);

/** A few correctly signed sample deliveries per provider, built by the signing twins. */
const SIGNED: Record<ProviderId, Delivery[]> = Object.fromEntries(
  await Promise.all(
    PROVIDER_IDS.map(async (id) => {
      const outbound = await PROVIDERS[id].outbound();
      const credentials =
        id === "moneykit"
          ? { key: mkKey }
          : id === "pps"
            ? { key: ppsKey, issuer: ISSUER, audience: AUDIENCE }
            : { secret: SECRET };
      const built = await Promise.all(
        outbound.events.slice(0, 3).map((event) => outbound.build(event, credentials, AT)),
      );
      return [id, built.map((d) => makeDelivery(d.headers, d.body))];
    }),
  ),
) as Record<ProviderId, Delivery[]>;

const verify = (id: ProviderId, delivery: Delivery) => PROVIDERS[id].verify(delivery, OPTIONS[id]);

function assertWellFormed(verdict: Verdict): void {
  assert.equal(typeof verdict.verified, "boolean");
  assert.equal(verdict.verified, verdict.reason === null);
  if (verdict.reason !== null) assert.ok(REASONS.includes(verdict.reason), verdict.reason);
  assert.ok(verdict.checks.length > 0);
  assert.equal(verdict.checks.at(-1)?.ok, verdict.verified);
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");
const withoutWhitespace = (s: string) => s.replace(/[ \t\r\n]/g, "");
function parses(s: string): { ok: boolean; value?: unknown } {
  try {
    return { ok: true, value: JSON.parse(s) };
  } catch {
    return { ok: false };
  }
}

/**
 * The oracle, written independently of the verifier's scanner: a changed body may verify only
 * through the compact fallback, only when it differs from the signed bytes by whitespace alone
 * and reads as the same JSON value.
 */
function onlyWhitespaceChanged(body: Uint8Array, signed: Uint8Array): boolean {
  const a = parses(text(body));
  const b = parses(text(signed));
  return (
    a.ok &&
    b.ok &&
    withoutWhitespace(text(body)) === withoutWhitespace(text(signed)) &&
    isDeepStrictEqual(a.value, b.value)
  );
}

const providerArb = fc.constantFrom(...PROVIDER_IDS);
const WHITESPACE = [0x20, 0x09, 0x0a, 0x0d];

/** One edit of a byte string: flip, insert (often whitespace), delete, truncate, splice a copy. */
const byteEdit = fc.oneof(
  fc.record({ op: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({
    op: fc.constant("insert" as const),
    at: fc.nat(),
    byte: fc.oneof(fc.constantFrom(...WHITESPACE), fc.integer({ min: 0, max: 255 })),
  }),
  fc.record({ op: fc.constant("delete" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("splice" as const), at: fc.nat(), from: fc.nat(), length: fc.nat(40) }),
  // JSON-aware edits a re-serialising verifier would forgive: a shadowing duplicate key, an escaped key letter.
  fc.record({ op: fc.constant("shadow" as const), value: fc.json({ maxDepth: 2 }) }),
  fc.record({ op: fc.constant("escape" as const), at: fc.nat() }),
);
type ByteEdit = typeof byteEdit extends fc.Arbitrary<infer T> ? T : never;

function applyEdit(bytes: Uint8Array, edit: ByteEdit): Buffer {
  const b = Buffer.from(bytes);
  const at = b.length === 0 || !("at" in edit) ? 0 : edit.at % (b.length + 1);
  switch (edit.op) {
    case "flip":
      if (b.length === 0) return b;
      b[at % b.length] = (b[at % b.length] ?? 0) ^ (1 << edit.bit);
      return b;
    case "insert":
      return Buffer.concat([b.subarray(0, at), Buffer.from([edit.byte]), b.subarray(at)]);
    case "delete":
      return Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]);
    case "truncate":
      return b.subarray(0, at);
    case "shadow": {
      const key = /^\{\s*("(?:[^"\\]|\\.)*")\s*:/.exec(b.toString("latin1"))?.[1];
      if (key === undefined) return b;
      return Buffer.concat([Buffer.from(`{${key}`, "latin1"), Buffer.from(`:${edit.value},`), b.subarray(1)]);
    }
    case "escape": {
      const starts = [...b.toString("latin1").matchAll(/[{,]"([A-Za-z])/g)];
      const hit = starts[starts.length === 0 ? 0 : edit.at % starts.length];
      if (hit === undefined) return b;
      const i = hit.index + 2;
      const escaped = `\\u${(b[i] ?? 0).toString(16).padStart(4, "0")}`;
      return Buffer.concat([b.subarray(0, i), Buffer.from(escaped), b.subarray(i + 1)]);
    }
    case "splice": {
      const from = b.length === 0 ? 0 : edit.from % b.length;
      return Buffer.concat([b.subarray(0, at), b.subarray(from, from + edit.length), b.subarray(at)]);
    }
  }
}

/** Edits a header value as text (case flips, spaces, truncation, a changed character). */
const textEdit = fc.oneof(
  fc.record({ op: fc.constant("case" as const), at: fc.nat() }),
  fc.record({
    op: fc.constant("pad" as const),
    before: fc.boolean(),
    with: fc.constantFrom(" ", "\t", "  "),
  }),
  fc.record({ op: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({
    op: fc.constant("replace" as const),
    at: fc.nat(),
    char: fc.string({ minLength: 1, maxLength: 1 }),
  }),
  fc.record({ op: fc.constant("append" as const), tail: fc.string({ maxLength: 8 }) }),
);
type TextEdit = typeof textEdit extends fc.Arbitrary<infer T> ? T : never;

function applyTextEdit(value: string, edit: TextEdit): string {
  switch (edit.op) {
    case "case": {
      const i = value.length === 0 ? 0 : edit.at % value.length;
      const c = value[i] ?? "";
      const flipped = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
      return value.slice(0, i) + flipped + value.slice(i + 1);
    }
    case "pad":
      return edit.before ? edit.with + value : value + edit.with;
    case "truncate":
      return value.slice(0, value.length === 0 ? 0 : edit.at % value.length);
    case "replace": {
      const i = value.length === 0 ? 0 : edit.at % value.length;
      return value.slice(0, i) + edit.char + value.slice(i + 1);
    }
    case "append":
      return value + edit.tail;
  }
}

/** The signature the header carries, decoded as leniently as any reader could: unchanged ⇔ same bytes. */
function presentedSignature(id: ProviderId, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  switch (id) {
    case "dfns":
      return v.replace(/^sha256=/, "").toLowerCase();
    case "kopokopo":
      return v.toLowerCase();
    case "bracken": {
      const b64 = /^HMACSHA256 +(\S+)$/i.exec(v)?.[1];
      return b64 === undefined ? v : Buffer.from(b64, "base64").toString("hex");
    }
    default: {
      const token = v.replace(/^Bearer\s+/i, "");
      return token
        .split(".")
        .map((part) => Buffer.from(part, "base64url").toString("hex"))
        .join(".");
    }
  }
}

const headerArb = fc.tuple(
  fc.oneof(
    fc.constantFrom(...Object.values(SIGNATURE_HEADER), "X-Pps-Topic", "Content-Type"),
    fc.string({ minLength: 1, maxLength: 20 }),
  ),
  fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.constantFrom("sha256=", "HMACSHA256 ", "Bearer x.y.z", "Bearer ...", `sha256=${"a".repeat(64)}`),
  ),
);

describe("fuzz: every verifier answers any input with a verdict", () => {
  it("arbitrary bytes and headers, for all five providers", async () => {
    await fc.assert(
      fc.asyncProperty(
        providerArb,
        fc.oneof(
          fc.uint8Array({ maxLength: 512 }),
          fc.json().map((s) => Buffer.from(s)),
        ),
        fc.array(headerArb, { maxLength: 5 }),
        async (id, body, headers) => assertWellFormed(await verify(id, makeDelivery(headers, body))),
      ),
      { numRuns: RUNS * 3 },
    );
  });

  it("a valid delivery's headers over arbitrary (often deep or duplicate-keyed) JSON", async () => {
    const nested = fc
      .tuple(fc.integer({ min: 1, max: 6_000 }), fc.constantFrom("[", '{"a":'))
      .map(([levels, open]) => `${open.repeat(levels)}0${(open === "[" ? "]" : "}").repeat(levels)}`);
    const duplicated = fc
      .tuple(fc.string({ maxLength: 5 }), fc.json(), fc.json())
      .map(([k, a, b]) => `{${JSON.stringify(k)}:${a},${JSON.stringify(k)}:${b}}`);
    await fc.assert(
      fc.asyncProperty(providerArb, fc.nat(2), fc.oneof(nested, duplicated), async (id, pick, body) => {
        const signed = SIGNED[id][pick % SIGNED[id].length] as Delivery;
        assertWellFormed(await verify(id, { ...signed, body: Buffer.from(body) }));
      }),
      { numRuns: RUNS },
    );
  });
});

describe("fuzz: no mutation of a signed delivery verifies unless the signed bytes are unchanged", () => {
  it("every sample built by the signing twins verifies as built (the baseline the properties start from)", async () => {
    for (const id of PROVIDER_IDS)
      for (const d of SIGNED[id]) {
        const v = await verify(id, d);
        assert.equal(v.verified, true, `${id}: ${JSON.stringify(v.checks)}`);
      }
  });

  it("body edits: verified ⇒ same bytes, or whitespace-only through the compact fallback (not pps: it signs no body)", async () => {
    const bodyProviders = PROVIDER_IDS.filter((id) => id !== "pps");
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...bodyProviders),
        fc.nat(2),
        fc.array(byteEdit, { minLength: 1, maxLength: 4 }),
        async (id, pick, edits) => {
          const signed = SIGNED[id][pick % SIGNED[id].length] as Delivery;
          const body = edits.reduce<Buffer>((b, e) => applyEdit(b, e), Buffer.from(signed.body));
          const v = await verify(id, { ...signed, body });
          assertWellFormed(v);
          if (!v.verified || Buffer.from(signed.body).equals(body)) return;
          assert.ok(COMPACT_FALLBACK.has(id), `${id} verified changed bytes`);
          assert.equal(v.meta.signedForm, "compact");
          assert.ok(onlyWhitespaceChanged(body, signed.body), `verified: ${JSON.stringify(text(body))}`);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it("whitespace between tokens is the one body change that verifies, and says so", async () => {
    for (const id of COMPACT_FALLBACK) {
      const signed = SIGNED[id][0] as Delivery;
      const pretty = Buffer.from(JSON.stringify(JSON.parse(text(signed.body)), null, 2));
      const v = await verify(id, { ...signed, body: pretty });
      assert.equal(v.verified, true, id);
      assert.equal(v.meta.signedForm, "compact");
    }
  });

  it("signature header edits: verified ⇒ the presented signature is unchanged", async () => {
    await fc.assert(
      fc.asyncProperty(
        providerArb,
        fc.nat(2),
        fc.array(textEdit, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        async (id, pick, edits, drop) => {
          const signed = SIGNED[id][pick % SIGNED[id].length] as Delivery;
          const name = SIGNATURE_HEADER[id];
          const original = headerValue(signed.headers, name);
          const edited = drop ? undefined : edits.reduce((s, e) => applyTextEdit(s, e), original ?? "");
          const headers: HeaderPair[] = signed.headers.flatMap(([n, v]): HeaderPair[] =>
            n.toLowerCase() !== name.toLowerCase() ? [[n, v]] : edited === undefined ? [] : [[n, edited]],
          );
          const v = await verify(id, { ...signed, headers });
          assertWellFormed(v);
          if (v.verified) assert.equal(presentedSignature(id, edited), presentedSignature(id, original));
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });
});

describe("fuzz: pinned cases", () => {
  it("duplicate-key smuggling over each compact-fallback provider's sample is refused, naming the key", async () => {
    for (const id of COMPACT_FALLBACK) {
      const sample = SIGNED[id][0] as Delivery;
      const signedBody = Buffer.from(`{"amount":"1",${text(sample.body).slice(1)}`);
      const smuggled = Buffer.from(`{"amount":"999999",${text(signedBody).slice(1)}`);
      const name = SIGNATURE_HEADER[id];
      const headers: HeaderPair[] = [[name, (SIGN[id] as (typeof SIGN)[string])(signedBody, SECRET)]];
      assert.equal((await verify(id, makeDelivery(headers, signedBody))).verified, true, `${id} control`);
      const v = await verify(id, makeDelivery(headers, smuggled));
      assert.equal(v.verified, false, id);
      assert.equal(v.reason, "signature_mismatch");
      assert.match(
        v.checks.at(-1)?.detail ?? "",
        /duplicate key "amount" at \$: a re-serialisation would hide bytes that were never signed/,
      );
    }
  });

  it("a 20,000-level body gets a verdict from every provider", async () => {
    const deep = Buffer.from(`${"[".repeat(20_000)}${"]".repeat(20_000)}`);
    for (const id of PROVIDER_IDS)
      assertWellFormed(await verify(id, { ...(SIGNED[id][0] as Delivery), body: deep }));
  });
});
