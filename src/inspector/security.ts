import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** The header the page sends its per-run token in, on every state-changing request. */
export const TOKEN_HEADER = "x-whtool-token";

/** Nothing but the inspector's own scripts, styles and connections; no framing, no forms, no base. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Sent with every answer: the page shows attacker-controlled payloads, so nothing is sniffed, framed or cached. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Cache-Control": "no-store",
};

export function newToken(): string {
  return randomBytes(24).toString("hex");
}

/** The names the inspector answers to on its port; any other Host is a DNS-rebinding attempt. */
function ownHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

export function hostAllowed(host: string | undefined, port: number): boolean {
  return host !== undefined && ownHosts(port).has(host.toLowerCase());
}

/** A state-changing request must come from the inspector's own page: its Origin is one of its own addresses. */
export function originAllowed(origin: string | undefined, port: number): boolean {
  if (origin === undefined || !origin.startsWith("http://")) return false;
  return ownHosts(port).has(origin.slice("http://".length).toLowerCase());
}

/** Constant-time: both sides are hashed first, so neither length nor content leaks through timing. */
export function tokenMatches(given: string | undefined, expected: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return given !== undefined && timingSafeEqual(digest(given), digest(expected));
}

export type Refusal = { readonly status: number; readonly message: string } | null;

/** Why a request must be refused, or null: Host on every request; Origin and token on anything but GET/HEAD. */
export function refuse(
  method: string,
  headers: Readonly<Record<string, string | undefined>>,
  port: number,
  token: string,
): Refusal {
  if (!hostAllowed(headers.host, port))
    return { status: 421, message: "this inspector answers only to its own address (Host refused)" };
  if (method === "GET" || method === "HEAD") return null;
  if (!originAllowed(headers.origin, port))
    return { status: 403, message: "cross-origin request refused (Origin is not the inspector's own)" };
  if (!tokenMatches(headers[TOKEN_HEADER], token))
    return { status: 403, message: "missing or wrong inspector token" };
  return null;
}
