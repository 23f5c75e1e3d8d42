export interface CaseResult {
  readonly name: string;
  readonly expect: "accept" | "reject";
  readonly why: string;
  readonly status: number | null;
  readonly error: string | null;
  readonly durationMs: number;
  readonly passed: boolean;
  /** Why it failed, for humans and CI systems. */
  readonly failure: string | null;
}

const xmlEscape = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** JUnit XML, as CI systems (GitHub, GitLab, Jenkins) read it. */
export function junitXml(
  suite: string,
  results: readonly CaseResult[],
  notChecked: readonly string[] = [],
): string {
  const failures = results.filter((r) => !r.passed).length;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const total = results.reduce((sum, r) => sum + r.durationMs, 0);
  const cases = results.map((r) => {
    const open = `    <testcase classname="${xmlEscape(suite)}" name="${xmlEscape(r.name)}" time="${seconds(r.durationMs)}"`;
    return r.passed
      ? `${open}/>`
      : `${open}>\n      <failure message="${xmlEscape(r.failure ?? "failed")}">${xmlEscape(r.why)}</failure>\n    </testcase>`;
  });
  // What was not tested is reported as skipped, so a CI dashboard shows it rather than nothing.
  const skipped = notChecked.map(
    (gap) =>
      `    <testcase classname="${xmlEscape(suite)}" name="${xmlEscape(`not checked: ${gap}`)}" time="0">\n      <skipped message="${xmlEscape(gap)}"/>\n    </testcase>`,
  );
  const tests = results.length + skipped.length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites tests="${tests}" failures="${failures}" skipped="${skipped.length}" time="${seconds(total)}">`,
    `  <testsuite name="${xmlEscape(suite)}" tests="${tests}" failures="${failures}" skipped="${skipped.length}" time="${seconds(total)}">`,
    ...cases,
    ...skipped,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
