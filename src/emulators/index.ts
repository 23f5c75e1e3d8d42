import type { ProviderId } from "../core/provider-id.js";
import type { StartEmulator } from "./types.js";

/** The emulator registry: one lazy line per provider, so starting one loads only its code. */
export const EMULATORS: Readonly<Record<ProviderId, () => Promise<StartEmulator>>> = {
  moneykit: async () => (await import("../providers/moneykit/emulator.js")).startMoneyKitEmulator,
  dfns: async () => (await import("../providers/dfns/emulator.js")).startDfnsEmulator,
  bracken: async () => (await import("../providers/bracken/emulator.js")).startBrackenEmulator,
  kopokopo: async () => (await import("../providers/kopokopo/emulator.js")).startKopoKopoEmulator,
  pps: async () => (await import("../providers/pps/emulator.js")).startPpsEmulator,
};
