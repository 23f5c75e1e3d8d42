import { apiContext } from "../api/context.js";
import { apiFailure } from "../api/errors.js";
import type { TriggerInput } from "../api/types.js";
import type { Context } from "../context.js";
import type { ProviderId } from "../core/provider-id.js";
import { EXIT } from "../errors.js";
import { PROVIDERS } from "../providers/index.js";
import { emit } from "../ui/json-lines.js";
import { printOutcome } from "../ui/outcome-text.js";

/** The trigger flags are the TriggerInput fields, but for --products, which comes comma-separated. */
export type TriggerFlags = Omit<TriggerInput, "name" | "products"> & {
  readonly provider: ProviderId;
  readonly products?: string;
  readonly json?: boolean;
};

export function triggerInput(name: string, flags: TriggerFlags): TriggerInput {
  // commander sets only the flags given, so the rest carries no undefined values.
  const { provider: _provider, json: _json, products, ...rest } = flags;
  const list = products
    ?.split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  return { ...rest, name, ...(list ? { products: list } : {}) };
}

export async function triggerCommand(
  name: string | undefined,
  flags: TriggerFlags,
  ctx: Context,
): Promise<number> {
  const api = await PROVIDERS[flags.provider].api();
  // Each provider refuses unknown names itself (and accepts its own aliases, e.g. MoneyKit's seed spellings).
  const trigger = name ?? api.defaultTrigger;
  let outcome: Awaited<ReturnType<typeof api.trigger>>;
  try {
    outcome = await api.trigger(triggerInput(trigger, flags), apiContext(ctx, flags.json === true));
  } catch (error) {
    throw apiFailure(PROVIDERS[flags.provider].info.name, `trigger ${trigger}`, error);
  }
  if (flags.json) emit(ctx, { type: "trigger", ...outcome });
  else printOutcome(ctx, outcome.message);
  return EXIT.ok;
}
