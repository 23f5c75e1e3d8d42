import { printable } from "../core/printable.js";

/** What a command's failure says, whichever way it is shown. */
export interface ErrorReport {
  readonly code: string;
  readonly message: string;
  readonly hint: string | null;
  readonly exitCode: number;
}

/**
 * The human form, for stderr. Messages quote flags, file names and ids from captures: neutralised like any
 * delivery string.
 */
export function errorText(report: ErrorReport): string {
  // A bug's stack is shown as it is, lines and all, so it can be read and reported.
  if (report.code === "internal")
    return `internal error (a bug in whtool): ${report.message}\n  → ${report.hint ?? ""}\n`;
  return `error: ${printable(report.message)}\n${report.hint === null ? "" : `  → ${printable(report.hint)}\n`}`;
}

/** The SPEC's `{"type":"error",…}` line, the last thing on stdout under --json. */
export function errorLine(report: ErrorReport): Record<string, unknown> {
  return { type: "error", ...report };
}
