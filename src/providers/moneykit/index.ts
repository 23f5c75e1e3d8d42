import { headerValue } from "../../core/delivery.js";
import type { ProviderDescriptor } from "../types.js";
import { MONEYKIT_DEFAULT_API_URL, MONEYKIT_SIGNATURE_HEADER, moneykitInfo } from "./info.js";

/** MoneyKit's registry row. */
export const moneykit: ProviderDescriptor = {
  info: moneykitInfo,
  detect: (headers) => headerValue(headers, MONEYKIT_SIGNATURE_HEADER) !== undefined,
  // Loaded on first use: the JWT verifiers bring jose, which an HMAC-only run never needs.
  verify: async (delivery, options) => (await import("./verify.js")).verifyMoneyKit(delivery, options),
  hmac: null,
  credentials: {
    kind: "jwks",
    alg: "ES256",
    apiUrlEnv: "MONEYKIT_API_URL",
    defaultApiUrl: MONEYKIT_DEFAULT_API_URL,
    jwksPath: "/.well-known/jwks.json",
    maxAgeMs: 86_400_000,
  },
  dedupe: { followsRetryOf: false },
  answerBudgetMs: 10_000,
  checkGaps: [],
  outbound: async () => (await import("./outbound.js")).moneykitOutbound,
  forgeries: async () => (await import("./forgeries.js")).moneykitForgeries,
  api: async () => (await import("./api.js")).moneykitApi,
  emulator: async () => (await import("./emulator.js")).startMoneyKitEmulator,
};
