/**
 * What went wrong upstream when a delivery did not verify: the doctor's closed list of causes,
 * most likely first. Each is found by a counterfactual (the signature matches once the mistake is
 * undone), so a plain forgery gets none.
 */
export const DIAGNOSIS_CODES = [
  "wrong_provider",
  "header_combined",
  "body_truncated",
  "body_whitespace",
  "body_reserialised",
  "secret_whitespace",
  "secret_encoding",
  "secret_wrong_credential",
  "trusted_entry_mismatch",
  "jwks_stale",
  "timestamp_skew",
] as const;
export type DiagnosisCode = (typeof DIAGNOSIS_CODES)[number];

export interface Diagnosis {
  readonly code: DiagnosisCode;
  /** What the counterfactual showed; names where a secret came from, never its value. */
  readonly detail: string;
  readonly fix: string;
}

/** Most likely cause first: the order of DIAGNOSIS_CODES, then the order found. Drops repeats of a code. */
export function orderDiagnoses(found: readonly Diagnosis[]): Diagnosis[] {
  const seen = new Set<DiagnosisCode>();
  const rank = (d: Diagnosis) => DIAGNOSIS_CODES.indexOf(d.code);
  return [...found]
    .map((d, i) => ({ d, i }))
    .sort((a, b) => rank(a.d) - rank(b.d) || a.i - b.i)
    .map(({ d }) => d)
    .filter((d) => {
      if (seen.has(d.code)) return false;
      seen.add(d.code);
      return true;
    });
}
