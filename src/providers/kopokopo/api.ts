import { triggerOnEmulator } from "../../api/emulator-events.js";
import type { ApiContext, ProviderApi, TriggerInput, TriggerOutcome } from "../../api/types.js";
import { didYouMean } from "../../core/suggest.js";
import { usageError } from "../../errors.js";
import { kopokopoBaseUrl } from "./api/client.js";
import { register } from "./api/register.js";
import { buygoods, stkPush } from "./api/trigger.js";
import { kopokopoOutbound } from "./outbound.js";
import { KOPOKOPO_EVENTS } from "./samples.js";

/**
 * Kopo Kopo (K2 Connect) API client (providers.md, Kopo Kopo): client-credentials token, webhook
 * subscriptions (v2, then v1), read back by Location; no test-webhook endpoint (see api/trigger.ts).
 * No unregister: no delete call for subscriptions is documented.
 */

const TRIGGERS = {
  buygoods:
    "explains that Kopo Kopo has no test endpoint; against the emulator, simulates an M-PESA payment (--amount, --till)",
  "stk-push":
    "starts a sandbox STK push (POST /api/v1/incoming_payments; --to callback URL, --amount, --till)",
} as const;

async function trigger(input: TriggerInput, ctx: ApiContext): Promise<TriggerOutcome> {
  const name = input.name.trim().toLowerCase();
  if (name === "buygoods" || name === "buygoods_transaction_received") return buygoods(input, ctx);
  if (name === "stk-push") return stkPush(input, ctx);
  const triggers = Object.entries(TRIGGERS)
    .map(([trigger, what]) => `${trigger} (${what})`)
    .join("; ");
  const event = kopokopoOutbound.canonicalEvent(name);
  if (event === undefined)
    throw usageError(
      `unknown Kopo Kopo trigger or event "${input.name}"`,
      `${didYouMean(input.name, [...Object.keys(TRIGGERS), ...KOPOKOPO_EVENTS])}use one of: ${triggers}; on whtool's emulator also any event: ${KOPOKOPO_EVENTS.join(", ")}`,
    );
  return triggerOnEmulator("kopokopo", kopokopoBaseUrl(ctx), event, triggers);
}

export const kopokopoApi: ProviderApi = {
  loopTrigger: (name) => ({ name }),
  removeTargetOptional: false,
  triggers: TRIGGERS,
  defaultTrigger: "buygoods",
  register,
  trigger,
  async remove() {
    throw usageError(
      "Kopo Kopo documents no API call that deletes a webhook subscription",
      "remove it in the Kopo Kopo dashboard (or ask Kopo Kopo support); a new subscription for the same event replaces the old target",
    );
  },
};
