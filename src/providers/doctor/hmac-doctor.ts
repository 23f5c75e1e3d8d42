import { hmacSha256, safeEqual, utf8 } from "../../core/bytes.js";
import { type Delivery, headerValue } from "../../core/delivery.js";
import type { Diagnosis } from "../../core/diagnosis.js";
import { scanJsonBody } from "../../core/json-body.js";
import type { Verdict } from "../../core/verdict.js";
import type { HmacScheme } from "../hmac-check.js";
import { type BodyForm, reserialisedForms, whitespaceForms } from "./body-variants.js";
import { sortedRewrite } from "./delivery-facts.js";
import { secretVariants } from "./secret-variants.js";
import type { DoctorInput, HmacBudget, NamedSecret } from "./types.js";

/** Whether HMAC(key, bytes) is one of the presented digests; false once the budget is spent. */
function signs(
  key: string | Uint8Array,
  bytes: Uint8Array,
  presented: readonly Uint8Array[],
  budget: HmacBudget,
): boolean {
  if (!budget.take()) return false;
  const mac = hmacSha256(key, bytes);
  return presented.some((digest) => safeEqual(mac, digest));
}

/** The body forms verification itself accepts for this scheme: raw, and compact where the provider signs that. */
function acceptedForms(delivery: Delivery, scheme: HmacScheme): Uint8Array[] {
  const forms = [delivery.body];
  if (!scheme.compactFallback) return forms;
  // As core/hmac-match.ts accepts it: the body minus insignificant whitespace, without duplicate keys.
  const json = scanJsonBody(delivery.body);
  if (!json.ok || json.scan.duplicate) return forms;
  const compact = utf8(json.scan.stripped);
  if (!Buffer.from(compact).equals(delivery.body)) forms.push(compact);
  return forms;
}

const signedBy = (
  key: string | Uint8Array,
  forms: readonly Uint8Array[],
  presented: Uint8Array[],
  budget: HmacBudget,
) => forms.some((bytes) => signs(key, bytes, presented, budget));

/**
 * Counterfactuals for an HMAC provider whose signature did not match: undo the likely mistake
 * (in the header, the body, the secret) and see whether the signature then holds.
 */
export function diagnoseHmac(
  scheme: HmacScheme,
  delivery: Delivery,
  verdict: Verdict,
  input: DoctorInput,
  budget: HmacBudget,
): Diagnosis[] {
  const value = headerValue(delivery.headers, scheme.header);
  if (value === undefined || input.secrets.length === 0) return [];
  const single = scheme.parse(value.trim());
  if (!single) return combinedHeader(scheme, value, delivery, input, budget.share(8));
  if (verdict.reason !== "signature_mismatch") return [];
  const presented = [single];
  const forms = acceptedForms(delivery, scheme);
  // A whitespace change is the simpler story: only when it explains nothing is a rewrite tried.
  const whitespace = bodyProbe(
    whitespaceForms(delivery.body),
    "body_whitespace",
    presented,
    input,
    budget.share(6),
  );
  const body =
    whitespace.length > 0
      ? whitespace
      : bodyProbe(reserialisedForms(delivery.body), "body_reserialised", presented, input, budget.share(20));
  return [
    ...(body.length > 0 ? body : sortedRewrite(delivery.body)),
    ...secretProbe(forms, presented, input, budget.share(8)),
    ...candidateProbe(forms, presented, input, budget.share(12)),
  ];
}

function combinedHeader(
  scheme: HmacScheme,
  value: string,
  delivery: Delivery,
  input: DoctorInput,
  budget: HmacBudget,
): Diagnosis[] {
  const parts = value.split(",").map((part) => part.trim());
  if (parts.length < 2) return [];
  const digests = parts.map((part) => scheme.parse(part));
  const forms = acceptedForms(delivery, scheme);
  for (const { secret } of input.secrets)
    for (const [index, digest] of digests.entries())
      if (digest && signedBy(secret, forms, [digest], budget))
        return [
          {
            code: "header_combined",
            detail: `the ${scheme.header} header holds ${parts.length} values joined by ",", and value ${index + 1} is a valid signature`,
            fix: "a proxy merged duplicate signature headers into one: have it pass them unmerged, or make the sender send one",
          },
        ];
  return [];
}

function bodyProbe(
  forms: Iterable<BodyForm>,
  code: "body_whitespace" | "body_reserialised",
  presented: Uint8Array[],
  input: DoctorInput,
  budget: HmacBudget,
): Diagnosis[] {
  for (const form of forms) {
    if (!budget.available()) return [];
    for (const { secret } of input.secrets)
      if (signs(secret, form.bytes, presented, budget))
        return [
          code === "body_whitespace"
            ? {
                code,
                detail: `the signature matches the body with ${form.label}: something between the sender and whtool changed its whitespace`,
                fix: "pass the body through byte for byte (no proxy or script re-writing it), and verify the raw bytes",
              }
            : {
                code,
                detail: `the signature matches the body's JSON written ${form.label}: a framework or relay parsed the body and wrote it out again`,
                fix: "forward and verify the raw bytes as received (e.g. express.raw() instead of express.json(), request.get_data() in Flask), never a re-serialised body",
              },
        ];
  }
  return [];
}

function secretProbe(
  forms: readonly Uint8Array[],
  presented: Uint8Array[],
  input: DoctorInput,
  budget: HmacBudget,
): Diagnosis[] {
  // The newest two secrets: a mangled secret is the one just configured.
  for (const { source, secret } of input.secrets.slice(0, 2))
    for (const variant of secretVariants(secret))
      if (signedBy(variant.key, forms, presented, budget))
        return [
          {
            code: variant.code,
            detail: `the signature matches ${source} ${variant.change}`,
            fix: variant.fix,
          },
        ];
  return [];
}

function candidateProbe(
  forms: readonly Uint8Array[],
  presented: Uint8Array[],
  input: DoctorInput,
  budget: HmacBudget,
): Diagnosis[] {
  const configured = new Set(input.secrets.map((s) => s.secret));
  const checked = input.secrets.map((s) => s.source).join(", ");
  const others: NamedSecret[] = input.candidates.filter((c) => !configured.has(c.secret));
  for (const { source, secret } of others)
    if (signedBy(secret, forms, presented, budget))
      return [
        {
          code: "secret_wrong_credential",
          detail: `the signature was made with the credential in ${source}, not ${checked}`,
          fix: `one side uses the wrong credential: if ${source} is the key the sender signs with, verify with it; otherwise fix the sender's configuration`,
        },
      ];
  return [];
}
