import { apiContext } from "../api/context.js";
import { apiFailure } from "../api/errors.js";
import type { Context } from "../context.js";
import type { ProviderId } from "../core/provider-id.js";
import { EXIT, usageError, WhtoolError } from "../errors.js";
import { PROVIDERS } from "../providers/index.js";
import { emit } from "../ui/json-lines.js";
import { printOutcome } from "../ui/outcome-text.js";

export interface UnregisterFlags {
  readonly provider: ProviderId;
  readonly url?: string;
  readonly webhookId?: string;
  readonly event?: readonly string[];
  readonly json?: boolean;
}

/** `whtool unregister`: removes a registration made with the provider, named by URL or id. */
export async function unregisterCommand(flags: UnregisterFlags, ctx: Context): Promise<number> {
  const api = await PROVIDERS[flags.provider].api();
  if ((flags.url === undefined) === (flags.webhookId === undefined) && !api.removeTargetOptional)
    throw usageError(
      "give exactly one of --url URL or --webhook-id ID",
      "e.g. whtool unregister --provider dfns --url https://abc.ngrok.app/webhooks",
    );
  // --url arrives normalised (cli-options.ts userUrl).
  const url = flags.url;
  let outcome: Awaited<ReturnType<typeof api.remove>>;
  try {
    outcome = await api.remove(
      {
        ...(url === undefined ? {} : { url }),
        ...(flags.webhookId === undefined ? {} : { webhookId: flags.webhookId }),
        ...(flags.event && flags.event.length > 0 ? { events: flags.event } : {}),
      },
      apiContext(ctx, flags.json === true),
    );
  } catch (error) {
    if (error instanceof WhtoolError) throw error;
    throw apiFailure(PROVIDERS[flags.provider].info.name, "unregister", error);
  }
  if (flags.json) emit(ctx, { type: "unregister", ...outcome });
  else printOutcome(ctx, outcome.message);
  return EXIT.ok;
}
