// Webhook look-ups shared by register and trigger: the full list (paginated), and which webhook a
// trigger means when none is named.
import type { SavedSecret } from "../../../adapters/state.js";
import type { ApiContext } from "../../../api/types.js";
import { usageError } from "../../../errors.js";
import type { DfnsConnection, DfnsWebhooks } from "./client.js";

export type DfnsWebhook = Awaited<ReturnType<DfnsWebhooks["getWebhook"]>>;

/** providers.md, Dfns: list endpoints page with `limit` + `paginationToken` → `nextPageToken`. */
const PAGE = 100;
/** A guard against a paginationToken that never ends (the default limit is 5 webhooks per org). */
const MAX_PAGES = 50;

export async function listAllWebhooks(dfns: DfnsConnection): Promise<DfnsWebhook[]> {
  const all: DfnsWebhook[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = token === undefined ? { limit: PAGE } : { limit: PAGE, paginationToken: token };
    const answer = await dfns.call("list webhooks", (w) => w.listWebhooks({ query }), { idempotent: true });
    all.push(...answer.items);
    token = answer.nextPageToken;
    if (!token) break;
  }
  return all;
}

/** URLs compared as the WHATWG parser writes them (host case, default port, empty path → "/"). */
export function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return a === b;
  }
}

export interface ChosenWebhook {
  readonly id: string;
  readonly url: string | null;
  /** How it was chosen, for the message. */
  readonly how: string;
}

/**
 * The webhook a trigger acts on: --webhook-id, else the only one whtool saved a secret for, else the
 * only one Dfns lists. Several candidates → exit 2 listing them.
 */
export async function chooseWebhook(
  dfns: DfnsConnection,
  webhookId: string | undefined,
  ctx: ApiContext,
  trigger: string,
): Promise<ChosenWebhook> {
  if (webhookId) {
    const hook = await dfns.call(`get webhook ${webhookId}`, (w) => w.getWebhook({ webhookId }), {
      idempotent: true,
      hints: {
        404: `no webhook ${webhookId} for these credentials: check the id (whtool register lists what it made)`,
      },
    });
    return { id: hook.id, url: hook.url, how: "given with --webhook-id" };
  }
  const saved = await ctx.state.secrets("dfns");
  const [only] = saved;
  if (saved.length === 1 && only) return { id: only.id, url: only.url, how: "the one whtool registered" };
  if (saved.length > 1) throw ambiguous(trigger, saved, "whtool has saved secrets for several Dfns webhooks");
  const listed = await listAllWebhooks(dfns);
  const [single] = listed;
  if (listed.length === 1 && single)
    return { id: single.id, url: single.url, how: "the only one Dfns lists" };
  if (listed.length === 0)
    throw usageError(
      "there is no Dfns webhook to use: Dfns lists none for these credentials",
      "run whtool register --provider dfns --url <your public URL> first",
    );
  throw ambiguous(trigger, listed, "Dfns lists several webhooks");
}

function ambiguous(
  trigger: string,
  hooks: readonly (Pick<SavedSecret, "id" | "url"> | DfnsWebhook)[],
  why: string,
): Error {
  const lines = hooks.map((h) => `  ${h.id}  ${h.url}`).join("\n");
  return usageError(
    `${why}; which one should ${trigger} use?\n${lines}`,
    `pass --webhook-id with one of the ids above, e.g. whtool trigger ${trigger} --provider dfns --webhook-id ${hooks[0]?.id ?? "wh-…"}`,
  );
}
