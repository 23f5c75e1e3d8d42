import type { Arrival } from "../core/events.js";
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

export interface AnswerFacts {
  readonly arrival: Arrival;
  readonly verdict: Verdict;
  /** The provider's status for a failed signature (401, or 403 where its docs ask). */
  readonly rejectStatus: number;
  /** This delivery's --respond status; taken only for webhook arrivals, so 404/413 use none up. */
  readonly scripted?: number;
  /** With --forward-to: what the target answered (null: nothing answered). */
  readonly forwarded?: number | null;
}

/**
 * The one place the status answered to a sender is decided: 413 for a body over --max-body, 404 off
 * the webhook path, else the scripted status, else the forward target's (502 when it did not
 * answer), else what a careful receiver answers (defaultStatus).
 */
export function decideStatus(facts: AnswerFacts): number {
  if (facts.arrival === "oversize") return 413;
  if (facts.arrival === "off-path") return 404;
  if (facts.scripted !== undefined) return facts.scripted;
  if (facts.forwarded !== undefined) return facts.forwarded ?? 502;
  return defaultStatus(facts.verdict, facts.rejectStatus);
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
