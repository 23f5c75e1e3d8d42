import type { ProviderId } from "../core/provider-id.js";
import type { Outbound } from "./types.js";

/** Sample-event builders per provider, loaded lazily (send, check and the emulators use them). */
export const OUTBOUND: Readonly<Record<ProviderId, () => Promise<Outbound>>> = {
  moneykit: async () => (await import("./moneykit/outbound.js")).moneykitOutbound,
  dfns: async () => (await import("./dfns/outbound.js")).dfnsOutbound,
  bracken: async () => (await import("./bracken/outbound.js")).brackenOutbound,
  kopokopo: async () => (await import("./kopokopo/outbound.js")).kopokopoOutbound,
  pps: async () => (await import("./pps/outbound.js")).ppsOutbound,
};
