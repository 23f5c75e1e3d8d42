import { headerValue } from "../../core/delivery.js";
import type { ProviderDescriptor } from "../types.js";
import { dfnsInfo } from "./info.js";
import { scheme } from "./scheme.js";
import { verifyDfns } from "./verify.js";

/** Dfns' registry row. */
export const dfns: ProviderDescriptor = {
  info: dfnsInfo,
  detect: (headers) => headerValue(headers, scheme.header) !== undefined,
  verify: verifyDfns,
  hmac: scheme,
  credentials: { kind: "hmac", secretEnv: "DFNS_WEBHOOK_SECRET" },
  // Each Dfns retry is a new event id with retryOf the previous one (providers.md: Dfns, Delivery).
  dedupe: { followsRetryOf: true },
  // Dfns asks for a quick 200 ("respond quickly… within a few seconds").
  answerBudgetMs: 3000,
  checkGaps: [],
  outbound: async () => (await import("./outbound.js")).dfnsOutbound,
  forgeries: async () => (await import("./forgeries.js")).dfnsForgeries,
  api: async () => (await import("./api.js")).dfnsApi,
  emulator: async () => (await import("./emulator.js")).startDfnsEmulator,
};
