/** Parses `--at` values: `now`, an ISO date-time, or unix seconds. */
export function parseInstant(text: string, now: Date): Date | undefined {
  if (text === "now") return now;
  if (/^\d{9,11}(\.\d+)?$/.test(text)) return new Date(Number(text) * 1000);
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `30s`, `2m`, `1h`, `500ms` or a bare number of seconds into milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * (UNITS[match[2] ?? "s"] ?? 1000);
}

/** Resolves once `signal` aborts (at once if it has): how a command that runs until Ctrl-C waits. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
