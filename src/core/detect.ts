import { type HeaderPair, headerValue } from "./delivery.js";
import type { ProviderId } from "./provider-id.js";

/** Guesses the provider from the headers alone (SPEC: "Common flags and conventions"). */
export function detectProvider(headers: readonly HeaderPair[]): ProviderId | undefined {
  if (headerValue(headers, "MoneyKit-Signature") !== undefined) return "moneykit";
  if (headerValue(headers, "X-DFNS-WEBHOOK-SIGNATURE") !== undefined) return "dfns";
  if (headerValue(headers, "X-KopoKopo-Signature") !== undefined) return "kopokopo";
  const authorization = headerValue(headers, "Authorization")?.trimStart() ?? "";
  if (/^HMACSHA256\s/i.test(authorization)) return "bracken";
  const hasPps = headers.some(([name]) => name.toLowerCase().startsWith("x-pps-"));
  if (/^Bearer\s/i.test(authorization) && hasPps) return "pps";
  return undefined;
}
