import type { HeaderPair } from "../core/delivery.js";

/** A POSIX shell single-quoted word: nothing inside is expanded. */
const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * A curl command that resends the delivery: headers in order, and the exact body bytes piped in
 * from base64 so no shell, terminal or clipboard can alter them (a body may hold any byte).
 */
export function curlCommand(
  url: string,
  method: string,
  headers: readonly HeaderPair[],
  bodyBase64: string,
): string {
  const parts = [`curl -sS -X ${quote(method)} ${quote(url)}`];
  for (const [name, value] of headers) parts.push(`  -H ${quote(`${name}: ${value}`)}`);
  parts.push("  --data-binary @-");
  return `printf %s ${quote(bodyBase64)} | base64 -d | \\\n${parts.join(" \\\n")}`;
}
