import type { Delivery } from "../../core/delivery.js";
import { type Diagnosis, orderDiagnoses } from "../../core/diagnosis.js";
import type { ProviderId } from "../../core/provider-id.js";
import type { Verdict } from "../../core/verdict.js";
import { scheme as brackenScheme } from "../bracken/scheme.js";
import { scheme as dfnsScheme } from "../dfns/scheme.js";
import type { HmacScheme } from "../hmac-check.js";
import { scheme as kopokopoScheme } from "../kopokopo/scheme.js";
import { bodyTruncated, timestampSkew, wrongProvider } from "./delivery-facts.js";
import { diagnoseHmac } from "./hmac-doctor.js";
import { diagnoseJwt } from "./jwt-doctor.js";
import { DOCTOR_HMAC_BUDGET, type DoctorInput, HmacBudget } from "./types.js";

export type { DoctorInput, NamedSecret } from "./types.js";

const HMAC_SCHEMES: Partial<Record<ProviderId, HmacScheme>> = {
  dfns: dfnsScheme,
  bracken: brackenScheme,
  kopokopo: kopokopoScheme,
};

const BODY_REASONS = new Set(["signature_mismatch", "body_hash_mismatch", "malformed_body"]);

/**
 * Why a failed delivery failed upstream, most likely cause first; [] for a verified one or when no
 * counterfactual holds. Bounded (DOCTOR_HMAC_BUDGET, and one key-set fetch per cool-down) and never
 * rejects: a hostile delivery gets [].
 */
export async function diagnose(
  providerId: ProviderId | null,
  delivery: Delivery,
  verdict: Verdict,
  input: DoctorInput,
  budget: HmacBudget = new HmacBudget(DOCTOR_HMAC_BUDGET),
): Promise<Diagnosis[]> {
  if (verdict.verified || providerId === null) return [];
  try {
    const found: Diagnosis[] = [...wrongProvider(delivery, verdict)];
    if (verdict.reason !== null && BODY_REASONS.has(verdict.reason)) found.push(...bodyTruncated(delivery));
    const scheme = HMAC_SCHEMES[providerId];
    if (scheme) {
      found.push(...diagnoseHmac(scheme, delivery, verdict, input, budget));
      const sentAt = verdict.meta.sentAt;
      const failed = verdict.checks.at(-1);
      if (verdict.reason === "timestamp_outside_window" && typeof sentAt === "number" && failed)
        found.push(timestampSkew(sentAt, input.at, delivery, failed));
    } else if (providerId === "moneykit" || providerId === "pps")
      found.push(...(await diagnoseJwt(providerId, delivery, verdict, input, budget)));
    return orderDiagnoses(found);
  } catch {
    return [];
  }
}
