// The Dfns API client behind `whtool register` and `whtool trigger` (providers.md, Dfns). Everything
// that talks to Dfns goes through its official SDK, loaded on first use (api/client.ts).
import { envUrl } from "../../api/client-credentials.js";
import { triggerOnEmulator } from "../../api/emulator-events.js";
import type { ProviderApi, RegisterOutcome } from "../../api/types.js";
import { didYouMean } from "../../core/suggest.js";
import { usageError } from "../../errors.js";
import { connectDfns, DFNS_DEFAULT_API_URL } from "./api/client.js";
import { registerDfns } from "./api/register.js";
import { removeDfns } from "./api/remove.js";
import { triggerDfns } from "./api/trigger.js";
import { dfnsOutbound } from "./outbound.js";

const TRIGGERS = {
  ping: "ask Dfns to send a ping event to the webhook (one attempt, not stored)",
  events: "list the webhook's recent events as Dfns delivered them (status, failed, next attempt, retryOf)",
} as const;

export const dfnsApi: ProviderApi = {
  // Trigger the webhook that was registered.
  loopTrigger: (name, registered) => ({ name, ...(registered.id ? { webhookId: registered.id } : {}) }),
  removeTargetOptional: false,
  triggers: TRIGGERS,
  defaultTrigger: "ping",
  register: registerDfns,
  remove: removeDfns,

  async trigger(input, ctx) {
    const name = input.name;
    if (name !== "ping" && name !== "events") {
      const kind = dfnsOutbound.canonicalEvent(name);
      if (kind === undefined)
        throw usageError(
          `unknown Dfns trigger or event "${name}"`,
          `${didYouMean(name, [...Object.keys(TRIGGERS), ...dfnsOutbound.events])}use one of: ${Object.keys(TRIGGERS).join(", ")} (Dfns has no API to raise wallet or policy events on demand; on whtool's emulator any of ${dfnsOutbound.events.length} event kinds, e.g. wallet.created)`,
        );
      const base = envUrl(ctx.env, "DFNS_API_URL", DFNS_DEFAULT_API_URL);
      return triggerOnEmulator(
        "dfns",
        base,
        kind,
        `${Object.keys(TRIGGERS).join(", ")} (Dfns has no API to raise wallet or policy events on demand)`,
      );
    }
    return triggerDfns(input, ctx, name);
  },

  /** Deletes the webhook only when this registration created it, and forgets its saved secret. */
  async unregister(outcome: RegisterOutcome, ctx) {
    if (outcome.provider !== "dfns" || outcome.action !== "created" || !outcome.id) return;
    const webhookId = outcome.id;
    const dfns = await connectDfns(ctx, "whtool cleanup of the Dfns webhook");
    await dfns
      .call(`delete webhook ${webhookId}`, (w) => w.deleteWebhook({ webhookId }), { idempotent: true })
      .catch((error: unknown) => {
        // Already gone is what we wanted.
        if (!/HTTP 404/.test((error as Error).message)) throw error;
      });
    await ctx.state.forget("dfns", webhookId);
  },
};
