import { apiContext } from "../api/context.js";
import { apiFailure } from "../api/errors.js";
import type { RegisterInput } from "../api/types.js";
import type { Context } from "../context.js";
import type { ProviderId } from "../core/provider-id.js";
import { EXIT } from "../errors.js";
import { PROVIDERS } from "../providers/index.js";
import { emit } from "../ui/json-lines.js";
import { printOutcome } from "../ui/outcome-text.js";

export interface RegisterFlags {
  readonly provider: ProviderId;
  readonly url?: string;
  readonly link?: string;
  readonly newLink?: boolean;
  readonly webhookId?: string;
  readonly event?: readonly string[];
  readonly secret?: readonly string[];
  readonly status?: string;
  readonly scope?: string;
  readonly till?: string;
  readonly tenant?: string;
  readonly json?: boolean;
}

export function registerInput(flags: Omit<RegisterFlags, "provider" | "json">): RegisterInput {
  const input: Record<string, unknown> = {};
  if (flags.url !== undefined) input.url = flags.url;
  if (flags.link !== undefined) input.link = flags.link;
  if (flags.newLink) input.newLink = true;
  if (flags.webhookId !== undefined) input.webhookId = flags.webhookId;
  if (flags.event && flags.event.length > 0) input.events = flags.event;
  if (flags.secret?.[0] !== undefined) input.secret = flags.secret[0];
  if (flags.status !== undefined) input.status = flags.status;
  if (flags.scope !== undefined) input.scope = flags.scope;
  if (flags.till !== undefined) input.till = flags.till;
  if (flags.tenant !== undefined) input.tenant = flags.tenant;
  return input as RegisterInput;
}

export async function registerCommand(flags: RegisterFlags, ctx: Context): Promise<number> {
  const api = await PROVIDERS[flags.provider].api();
  let outcome: Awaited<ReturnType<typeof api.register>>;
  try {
    outcome = await api.register(registerInput(flags), apiContext(ctx, flags.json === true));
  } catch (error) {
    throw apiFailure(PROVIDERS[flags.provider].info.name, "register", error);
  }
  if (flags.json) emit(ctx, { type: "register", ...outcome });
  else printOutcome(ctx, outcome.message);
  return EXIT.ok;
}
