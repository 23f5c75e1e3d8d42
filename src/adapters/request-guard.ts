import type { IncomingHttpHeaders } from "node:http";

/** Why the emulator will not serve a request, before any route sees it. */
export interface Refused {
  readonly status: 403 | 415;
  readonly message: string;
}

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"];

/**
 * Keeps web pages the developer visits away from the emulator, which listens on loopback with
 * well-known credentials. A browser names the page in `Origin` on every cross-origin POST, so a
 * foreign Origin is refused on every route (SDKs and whtool send none); the control routes also
 * refuse non-JSON bodies (a `<form>` or a no-cors fetch can only send text/plain, form or
 * multipart) and foreign `Host` names (a DNS-rebound page reaches 127.0.0.1 under its own name).
 * The provider-API routes keep taking form bodies: real OAuth token endpoints do.
 */
export function refusal(
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  port: number,
): Refused | undefined {
  const own = LOOPBACK_HOSTS.map((host) => `${host}:${port}`);
  const origin = headers.origin;
  if (origin !== undefined && !own.some((host) => origin.toLowerCase() === `http://${host}`))
    return {
      status: 403,
      message: `requests from ${origin} are refused: only local tools may call the emulator`,
    };
  if (!path.startsWith("/_emulator/") && path !== "/_emulator") return undefined;
  const host = (headers.host ?? "").toLowerCase();
  if (!own.includes(host))
    return {
      status: 403,
      message: `Host ${host || "(none)"} is refused: call the emulator as 127.0.0.1:${port}`,
    };
  if (!STATE_CHANGING.has(method)) return undefined;
  const type = headers["content-type"];
  const hasBody = (headers["content-length"] ?? "0") !== "0" || headers["transfer-encoding"] !== undefined;
  // A body-less control call (rotate-keys, expire-tokens) may omit the type; anything sent must be JSON.
  if ((type === undefined && hasBody) || (type !== undefined && !isJson(type)))
    return { status: 415, message: "control routes take application/json bodies only" };
  return undefined;
}

function isJson(contentType: string): boolean {
  const essence = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return essence === "application/json" || (essence.startsWith("application/") && essence.endsWith("+json"));
}
