import { headerValue } from "../../core/delivery.js";
import type { ProviderDescriptor } from "../types.js";
import { MONEYKIT_DEFAULT_API_URL, MONEYKIT_SIGNATURE_HEADER, moneykitInfo } from "./info.js";
import { verifyMoneyKit } from "./verify.js";

/** MoneyKit's registry row. */
export const moneykit: ProviderDescriptor = {
  info: moneykitInfo,
  detect: (headers) => headerValue(headers, MONEYKIT_SIGNATURE_HEADER) !== undefined,
  verify: verifyMoneyKit,
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
