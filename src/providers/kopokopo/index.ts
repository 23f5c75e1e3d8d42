import { headerValue } from "../../core/delivery.js";
import type { ProviderDescriptor } from "../types.js";
import { kopokopoInfo } from "./info.js";
import { scheme } from "./scheme.js";
import { verifyKopoKopo } from "./verify.js";

/** Kopo Kopo's registry row. */
export const kopokopo: ProviderDescriptor = {
  info: kopokopoInfo,
  detect: (headers) => headerValue(headers, scheme.header) !== undefined,
  verify: verifyKopoKopo,
  hmac: scheme,
  // Kopo Kopo keys its HMAC with the API key, not the client secret (providers.md: Kopo Kopo).
  credentials: { kind: "hmac", secretEnv: "KOPOKOPO_API_KEY" },
  dedupe: { followsRetryOf: false },
  answerBudgetMs: 10_000,
  checkGaps: [],
  outbound: async () => (await import("./outbound.js")).kopokopoOutbound,
  forgeries: async () => (await import("./forgeries.js")).kopokopoForgeries,
  api: async () => (await import("./api.js")).kopokopoApi,
  emulator: async () => (await import("./emulator.js")).startKopoKopoEmulator,
};
