import { headerValue } from "../../core/delivery.js";
import type { ProviderDescriptor } from "../types.js";
import { brackenInfo } from "./info.js";
import { scheme } from "./scheme.js";
import { verifyBracken } from "./verify.js";

/** Bracken's registry row. */
export const bracken: ProviderDescriptor = {
  info: brackenInfo,
  // Bracken signs in Authorization, which other schemes use too: only its HMACSHA256 prefix says Bracken.
  detect: (headers) => /^HMACSHA256\s/i.test(headerValue(headers, scheme.header)?.trimStart() ?? ""),
  verify: verifyBracken,
  hmac: scheme,
  credentials: { kind: "hmac", secretEnv: "BRACKEN_WEBHOOK_SECRET" },
  dedupe: { followsRetryOf: false },
  answerBudgetMs: 10_000,
  checkGaps: [
    "a body Bracken sends in other than compact JSON: it signs JSON.stringify(body), and whether it ever sends other bytes is undocumented",
  ],
  outbound: async () => (await import("./outbound.js")).brackenOutbound,
  forgeries: async () => (await import("./forgeries.js")).brackenForgeries,
  api: async () => (await import("./api.js")).brackenApi,
  emulator: async () => (await import("./emulator.js")).startBrackenEmulator,
};
