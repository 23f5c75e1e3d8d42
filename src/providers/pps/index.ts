import { headerValue } from "../../core/delivery.js";
import type { ProviderDescriptor } from "../types.js";
import { PPS_JWKS_TTL_MS, ppsInfo } from "./info.js";

/** PointServices' registry row. */
export const pps: ProviderDescriptor = {
  info: ppsInfo,
  // A Bearer token alone could be anyone's: PointServices also sends its X-Pps-* headers.
  detect: (headers) =>
    /^Bearer\s/i.test(headerValue(headers, "Authorization")?.trimStart() ?? "") &&
    headers.some(([name]) => name.toLowerCase().startsWith("x-pps-")),
  // Loaded on first use: the JWT verifiers bring jose, which an HMAC-only run never needs.
  verify: async (delivery, options) => (await import("./verify.js")).verifyPps(delivery, options),
  hmac: null,
  credentials: {
    kind: "oidc",
    alg: "RS256",
    issuersEnv: "PPS_TRUSTED_ISSUERS",
    issuersExample: "https://securetoken.google.com/my-project=my-project",
    jwksUrlEnv: "PPS_JWKS_URL",
    maxAgeMs: PPS_JWKS_TTL_MS,
  },
  dedupe: { followsRetryOf: false },
  answerBudgetMs: 10_000,
  checkGaps: [],
  outbound: async () => (await import("./outbound.js")).ppsOutbound,
  forgeries: async () => (await import("./forgeries.js")).ppsForgeries,
  api: async () => (await import("./api.js")).ppsApi,
  emulator: async () => (await import("./emulator.js")).startPpsEmulator,
};
