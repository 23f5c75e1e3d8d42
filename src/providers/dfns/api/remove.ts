import type { ApiContext, RemoveOutcome, RemoveTarget } from "../../../api/types.js";
import { usageError } from "../../../errors.js";
import { connectDfns } from "./client.js";
import { listAllWebhooks, sameUrl } from "./webhooks.js";

/** `whtool unregister --provider dfns`: deletes the webhook named by id, or every one with that URL. */
export async function removeDfns(target: RemoveTarget, ctx: ApiContext): Promise<RemoveOutcome> {
  const dfns = await connectDfns(ctx, "whtool unregister --provider dfns");
  let hooks: { id: string; url: string | null }[];
  if (target.webhookId !== undefined) hooks = [{ id: target.webhookId, url: null }];
  else {
    const url = target.url ?? "";
    hooks = (await listAllWebhooks(dfns)).filter((hook) => sameUrl(hook.url, url));
    if (hooks.length === 0)
      throw usageError(
        `Dfns lists no webhook for ${url}`,
        "whtool trigger events --provider dfns, or the Dfns dashboard, shows the webhooks there are",
      );
  }
  for (const hook of hooks) {
    await dfns.call(`delete webhook ${hook.id}`, (w) => w.deleteWebhook({ webhookId: hook.id }), {
      idempotent: true,
      hints: { 404: `no webhook ${hook.id} for these credentials: it may be deleted already` },
    });
    await ctx.state.forget("dfns", hook.id);
  }
  return {
    provider: "dfns",
    removed: hooks,
    message: hooks
      .map((hook) => `Dfns webhook ${hook.id}${hook.url ? ` (${hook.url})` : ""} deleted`)
      .join("\n"),
  };
}
