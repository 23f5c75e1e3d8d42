import { apiContext } from "../api/context.js";
import { apiFailure } from "../api/errors.js";
import { APIS } from "../api/index.js";
import type { TriggerInput } from "../api/types.js";
import type { Context } from "../context.js";
import type { ProviderId } from "../core/provider-id.js";
import { EXIT } from "../errors.js";
import { PROVIDERS } from "../providers/index.js";
import { emit } from "../ui/json-lines.js";

export interface TriggerFlags {
  readonly provider: ProviderId;
  readonly link?: string;
  readonly products?: string;
  readonly webhookId?: string;
  readonly yes?: boolean;
  readonly till?: string;
  readonly amount?: string;
  readonly username?: string;
  readonly to?: string;
  readonly json?: boolean;
}

export function triggerInput(name: string, flags: Omit<TriggerFlags, "provider" | "json">): TriggerInput {
  const input: Record<string, unknown> = { name };
  if (flags.link !== undefined) input.link = flags.link;
  if (flags.products !== undefined)
    input.products = flags.products
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean);
  if (flags.webhookId !== undefined) input.webhookId = flags.webhookId;
  if (flags.yes) input.yes = true;
  if (flags.till !== undefined) input.till = flags.till;
  if (flags.amount !== undefined) input.amount = flags.amount;
  if (flags.username !== undefined) input.username = flags.username;
  if (flags.to !== undefined) input.to = flags.to;
  return input as unknown as TriggerInput;
}

export async function triggerCommand(
  name: string | undefined,
  flags: TriggerFlags,
  ctx: Context,
): Promise<number> {
  const api = await APIS[flags.provider]();
  // Each provider refuses unknown names itself (and accepts its own aliases, e.g. MoneyKit's seed spellings).
  const trigger = name ?? api.defaultTrigger;
  let outcome: Awaited<ReturnType<typeof api.trigger>>;
  try {
    outcome = await api.trigger(triggerInput(trigger, flags), apiContext(ctx, flags.json === true));
  } catch (error) {
    throw apiFailure(PROVIDERS[flags.provider].info.name, `trigger ${trigger}`, error);
  }
  if (flags.json) emit(ctx, { type: "trigger", ...outcome });
  else ctx.stderr.write(`${outcome.message}\n`);
  return EXIT.ok;
}
