import type { TrustedIssuer } from "../providers/types.js";

/**
 * PPS_TRUSTED_ISSUERS: comma-separated `ISSUER` or `ISSUER=AUDIENCE`. An issuer listed more than once
 * with audiences accepts any of them; listed without one anywhere, its audience is not checked.
 */
export function parseTrustedIssuers(text: string | undefined): TrustedIssuer[] {
  const byIssuer = new Map<string, string[] | null>();
  for (const part of (text ?? "").split(",")) {
    const entry = part.trim();
    if (entry === "") continue;
    const eq = entry.indexOf("=");
    const issuer = (eq === -1 ? entry : entry.slice(0, eq)).trim();
    const audience = eq === -1 ? undefined : entry.slice(eq + 1).trim();
    const known = byIssuer.get(issuer);
    if (audience === undefined || audience === "") byIssuer.set(issuer, null);
    else if (known === undefined) byIssuer.set(issuer, [audience]);
    else if (known !== null) known.push(audience);
  }
  return [...byIssuer].map(([issuer, audiences]) => ({ issuer, audiences }));
}
