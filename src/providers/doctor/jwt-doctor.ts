import type { JWTPayload } from "jose";
import { fromHex, preview, safeEqual, sha256 } from "../../core/bytes.js";
import { type Delivery, headerValue } from "../../core/delivery.js";
import type { Diagnosis } from "../../core/diagnosis.js";
import { readUnverified } from "../../core/jwt.js";
import type { Verdict } from "../../core/verdict.js";
import { MONEYKIT_SIGNATURE_HEADER } from "../moneykit/info.js";
import type { TrustedIssuer } from "../types.js";
import { type BodyForm, reserialisedForms, whitespaceForms } from "./body-variants.js";
import { sortedRewrite, timestampSkew } from "./delivery-facts.js";
import type { DoctorInput, HmacBudget } from "./types.js";

/** The token a JWT provider's delivery carries: MoneyKit's own header, PointServices' bearer token. */
function tokenOf(provider: "moneykit" | "pps", delivery: Delivery): string | undefined {
  if (provider === "moneykit") return headerValue(delivery.headers, MONEYKIT_SIGNATURE_HEADER)?.trim();
  return /^Bearer\s+(\S+)$/i.exec(headerValue(delivery.headers, "Authorization")?.trim() ?? "")?.[1];
}

/**
 * Counterfactuals for JWT providers. The token itself was checked (its signature holds whenever
 * these reasons are reached), so its claims can be read to explain what failed after it.
 */
export async function diagnoseJwt(
  provider: "moneykit" | "pps",
  delivery: Delivery,
  verdict: Verdict,
  input: DoctorInput,
  budget: HmacBudget,
): Promise<Diagnosis[]> {
  const token = tokenOf(provider, delivery);
  const parts = token === undefined ? undefined : readUnverified(token);
  if (!parts?.ok) return [];
  if (verdict.reason === "unknown_key")
    return staleKeys(provider, delivery, parts.header.kid, parts.claims, input);
  const failed = verdict.checks.at(-1);
  if ((verdict.reason === "token_expired" || verdict.reason === "token_not_yet_valid") && failed) {
    const iat = parts.claims.iat;
    return typeof iat === "number" ? [timestampSkew(iat, input.at, delivery, failed)] : [];
  }
  if (
    provider === "pps" &&
    (verdict.reason === "audience_mismatch" || verdict.reason === "issuer_not_trusted")
  )
    return otherEntry(verdict.reason, parts.claims, input.trustedIssuers ?? []);
  if (verdict.reason === "body_hash_mismatch") {
    const claimed = parts.claims.request_body_sha256;
    const digest = typeof claimed === "string" ? fromHex(claimed, 32) : undefined;
    if (!digest) return [];
    // A whitespace change is the simpler story: only when it explains nothing is a rewrite tried.
    const whitespace = hashProbe(whitespaceForms(delivery.body), digest, "body_whitespace", budget.share(8));
    if (whitespace.length > 0) return whitespace;
    const rebuilt = hashProbe(
      reserialisedForms(delivery.body),
      digest,
      "body_reserialised",
      budget.share(32),
    );
    return rebuilt.length > 0 ? rebuilt : sortedRewrite(delivery.body);
  }
  return [];
}

/**
 * The token's kid is not in the key set verification had, but a set fetched now has it and the
 * delivery verifies with it: the provider rotated its key since whtool's copy was fetched. Proved
 * by re-running the provider's own verifier against the fresh set, so a forgery naming a real new
 * kid gets nothing. The fetch also refreshed the store: the provider's retry will verify.
 */
async function staleKeys(
  provider: "moneykit" | "pps",
  delivery: Delivery,
  kid: unknown,
  claims: JWTPayload,
  input: DoctorInput,
): Promise<Diagnosis[]> {
  if (typeof kid !== "string" || !input.keys?.refetched) return [];
  // PointServices' keys are per issuer; the store answers only for one verification already used.
  const fresh = await input.keys.refetched(typeof claims.iss === "string" ? claims.iss : undefined);
  if (!fresh) return [];
  const verify =
    provider === "moneykit"
      ? (await import("../moneykit/verify.js")).verifyMoneyKit
      : (await import("../pps/verify.js")).verifyPps;
  const again = await verify(delivery, {
    at: input.at,
    secrets: [],
    keys: fresh.keys,
    trustedIssuers: input.trustedIssuers ?? [],
  });
  if (!again.verified) return [];
  return [
    {
      code: "jwks_stale",
      detail: `kid ${preview(kid, 60)} was not in the key set whtool had, but the JWKS fetched again from ${preview(fresh.url, 100)} at ${fresh.fetchedAt.toISOString()} has it and the delivery verifies with it: the provider rotated its signing key since whtool's copy was fetched`,
      fix: "nothing to change here: whtool's key set is now refreshed and the provider's retry will verify (whtool verify --refresh-keys re-checks a capture); a handler of your own must refetch the JWKS on an unknown kid rather than cache it for a day",
    },
  ];
}

/**
 * The token's issuer and audience pair up with a different PPS_TRUSTED_ISSUERS entry than the one
 * it was judged against: the sender uses another project's credentials, or the entries are crossed.
 */
function otherEntry(
  reason: "audience_mismatch" | "issuer_not_trusted",
  claims: JWTPayload,
  trusted: readonly TrustedIssuer[],
): Diagnosis[] {
  const audiences =
    typeof claims.aud === "string" ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
  const iss = typeof claims.iss === "string" ? claims.iss : "";
  const entry = trusted.find((t) => t.issuer !== iss && audiences.some((aud) => t.audiences?.includes(aud)));
  if (!entry) return [];
  const aud = audiences.find((a) => entry.audiences?.includes(a)) ?? "";
  const fix =
    "the sender's tokens come from another project or environment than configured: point the subscription at the right project, or, if both are yours, list the pair in PPS_TRUSTED_ISSUERS";
  return [
    reason === "audience_mismatch"
      ? {
          code: "trusted_entry_mismatch",
          detail: `the token is validly signed by ${preview(iss, 80)}, but its aud ${preview(aud, 60)} is the audience PPS_TRUSTED_ISSUERS gives ${preview(entry.issuer, 80)}`,
          fix,
        }
      : {
          code: "trusted_entry_mismatch",
          detail: `its iss ${preview(iss, 80)} is not trusted, but its aud ${preview(aud, 60)} is the audience PPS_TRUSTED_ISSUERS gives ${preview(entry.issuer, 80)} (claims read unverified: no key was fetched for an untrusted issuer)`,
          fix,
        },
  ];
}

function hashProbe(
  forms: Iterable<BodyForm>,
  digest: Uint8Array,
  code: "body_whitespace" | "body_reserialised",
  budget: HmacBudget,
): Diagnosis[] {
  for (const form of forms) {
    if (!budget.take()) return [];
    if (!safeEqual(sha256(form.bytes), digest)) continue;
    return [
      code === "body_whitespace"
        ? {
            code,
            detail: `the token's request_body_sha256 matches the body with ${form.label}: something between the sender and whtool changed its whitespace`,
            fix: "pass the body through byte for byte (no proxy or script re-writing it), and hash the raw bytes",
          }
        : {
            code,
            detail: `the token's request_body_sha256 matches the body's JSON written ${form.label}: a framework or relay parsed the body and wrote it out again`,
            fix: "forward and hash the raw bytes as received (e.g. express.raw() instead of express.json()), never a re-serialised body",
          },
    ];
  }
  return [];
}
