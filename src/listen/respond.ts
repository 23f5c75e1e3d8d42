import type { Verdict } from "../core/verdict.js";

/** `--respond 200` or `--respond 500,500,200`: one status per delivery, the last repeating. */
export function parseRespondCodes(text: string): number[] | undefined {
  const codes = text.split(",").map((part) => Number(part.trim()));
  return codes.length > 0 && codes.every((code) => Number.isInteger(code) && code >= 200 && code <= 599)
    ? codes
    : undefined;
}

/** Hands out scripted statuses in arrival order. */
export class ResponseScript {
  #next = 0;
  constructor(private readonly codes: readonly number[]) {}

  take(): number {
    const code = this.codes[Math.min(this.#next, this.codes.length - 1)] ?? 200;
    this.#next++;
    return code;
  }
}

/**
 * What a careful receiver answers: 200 when verified; the provider's reject status (401, or 403 where
 * its docs ask) when authenticity fails; 400 for a body it cannot read; 500 when the failure is ours
 * (no secret configured, JWKS unreachable) so the provider retries once it is fixed.
 */
export function defaultStatus(verdict: Verdict, rejectStatus: number): number {
  if (verdict.verified) return 200;
  switch (verdict.reason) {
    case "no_secret":
    case "jwks_unavailable":
      return 500;
    case "malformed_body":
    case "unknown_provider":
      return 400;
    default:
      return rejectStatus;
  }
}
