import { postRaw } from "../adapters/http-post.js";
import type { CheckCase } from "./cases.js";
import type { CaseResult } from "./junit.js";

/**
 * Sends each case in order and judges the answer. A case waits a little past the budget, so a
 * late answer is reported as late rather than as missing; past that, the provider would have given
 * up too, and the case fails as not answered.
 */
export async function runCases(
  url: string,
  cases: readonly CheckCase[],
  budgetMs: number,
  providerName: string,
  onResult: (result: CaseResult) => void,
): Promise<{ results: CaseResult[]; unreachable: boolean }> {
  const results: CaseResult[] = [];
  let reached = false;
  for (const testCase of cases) {
    testCase.prepare?.();
    const answer = await postRaw(url, testCase.headers, testCase.body, {
      timeoutMs: budgetMs + Math.min(budgetMs, 1000),
    });
    if (!answer.unreachable) reached = true;
    const { status } = answer;
    let failure: string | null = null;
    if (answer.timedOut) failure = `no answer within ${budgetMs} ms (the provider's budget)`;
    else if (status === null) failure = `no answer (${answer.error})`;
    else if (testCase.expect === "accept" && (status < 200 || status >= 300))
      failure = `answered ${status}, expected 2xx`;
    else if (testCase.expect === "accept" && answer.durationMs > budgetMs)
      failure = `answered after ${answer.durationMs} ms; ${providerName} expects an answer within ${budgetMs} ms`;
    else if (testCase.expect === "reject" && (status < 400 || status >= 500))
      failure = `answered ${status}, expected 4xx${status < 300 ? ": the handler accepted a forged delivery" : ""}`;
    const result: CaseResult = {
      name: testCase.name,
      expect: testCase.expect,
      why: testCase.why,
      status,
      error: answer.error,
      durationMs: answer.durationMs,
      passed: failure === null,
      failure,
    };
    results.push(result);
    onResult(result);
  }
  // Only when no case ever connected is this a network problem rather than a failing handler.
  return { results, unreachable: !reached };
}
