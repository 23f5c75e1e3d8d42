import type { ProviderId } from "../core/provider-id.js";
import type { ProviderApi } from "./types.js";

/** Provider API clients, loaded lazily (register, trigger, listen --register, smoke, demo). */
export const APIS: Readonly<Record<ProviderId, () => Promise<ProviderApi>>> = {
  moneykit: async () => (await import("../providers/moneykit/api.js")).moneykitApi,
  dfns: async () => (await import("../providers/dfns/api.js")).dfnsApi,
  bracken: async () => (await import("../providers/bracken/api.js")).brackenApi,
  kopokopo: async () => (await import("../providers/kopokopo/api.js")).kopokopoApi,
  pps: async () => (await import("../providers/pps/api.js")).ppsApi,
};
