// `whtool register --provider dfns`: create the webhook, or update the one for the same URL or
// --webhook-id (providers.md, Dfns: create/list/update). Dfns returns a webhook's secret only in the
// create response, so whtool saves it in .whtool/state.json (0600) for listen and verify.
import { relative } from "node:path";
import type { ApiContext, RegisterInput, RegisterOutcome } from "../../../api/types.js";
import { configError, usageError } from "../../../errors.js";
import { DFNS_EVENTS } from "../info.js";
import { connectDfns, type DfnsConnection } from "./client.js";
import { type DfnsWebhook, listAllWebhooks, sameUrl } from "./webhooks.js";

type EventKinds = DfnsWebhook["events"];

/** providers.md, Dfns: "Default limit: 5 webhooks per organisation". Its error wording is not documented. */
const LIMIT_HINT =
  "Dfns allows 5 webhooks per organisation by default: delete one you no longer need in the Dfns dashboard's webhook settings " +
  "or with the API (DELETE /webhooks/{id}) — whtool trigger cannot delete webhooks — " +
  "or point an existing one at this URL with whtool register --provider dfns --webhook-id wh-… --url …";

export async function registerDfns(input: RegisterInput, ctx: ApiContext): Promise<RegisterOutcome> {
  const url = webhookUrl(input.url);
  const events = eventKinds(input.events);
  const dfns = await connectDfns(ctx, "whtool register --provider dfns");
  if (input.webhookId) {
    const hook = await update(dfns, input.webhookId, url, events);
    return updated(hook, ctx, `the webhook given with --webhook-id`, []);
  }
  const listed = await listAllWebhooks(dfns);
  const matches = listed.filter((h) => sameUrl(h.url, url));
  const savedIds = new Set((await ctx.state.secrets("dfns")).map((s) => s.id));
  // Several webhooks at one URL: prefer the one whose secret whtool holds.
  const target = matches.find((h) => savedIds.has(h.id)) ?? matches[0];
  if (target) {
    const hook = await update(dfns, target.id, url, events);
    const others = matches.filter((h) => h.id !== target.id).map((h) => h.id);
    return updated(hook, ctx, "the existing webhook for this URL", others);
  }
  ctx.say(`Creating a Dfns webhook for ${url}…`);
  const created = await dfns.call(
    "create webhook",
    (w) => w.createWebhook({ body: { url, events, description: "whtool register" } }),
    {
      idempotent: false, // a retried create could leave a second webhook whose secret nobody saw
      hintFor: (status, message) =>
        status === 400 && /limit/i.test(message)
          ? `${LIMIT_HINT}. Webhooks now: ${listed.map((h) => `${h.id} ${h.url}`).join("; ")}`
          : status >= 500
            ? "Dfns had a server error: run whtool register again; if the webhook was created after all, it is updated, but its secret was never seen: then delete it and register again"
            : undefined,
    },
  );
  const { secret, ...hook } = created;
  try {
    await ctx.state.saveSecret({ provider: "dfns", id: hook.id, url: hook.url, secret }, ctx.now());
  } catch (error) {
    throw await unsaved(dfns, hook.id, ctx.state.path, error);
  }
  const statePath = shownPath(ctx);
  // With one saved webhook, `trigger ping` finds it by itself; with several it needs the id.
  const pick = (await ctx.state.secrets("dfns")).length > 1 ? ` --webhook-id ${hook.id}` : "";
  return {
    provider: "dfns",
    action: "created",
    id: hook.id,
    url: hook.url,
    secretSaved: true,
    message: [
      `Created Dfns webhook ${hook.id} for ${hook.url} (events: ${hook.events.join(", ")}; ${hook.status}).`,
      `Dfns shows its secret only this once: whtool saved it in ${statePath} (mode 0600), and whtool listen and whtool verify use it from there — nothing to copy.`,
      `Next: receive at that URL with whtool listen --provider dfns, then run whtool trigger ping --provider dfns${pick}.`,
    ].join("\n"),
    details: { ...describe(hook), secretSaved: true, statePath },
  };
}

function webhookUrl(url: string | undefined): string {
  if (!url)
    throw usageError(
      "register --provider dfns needs --url",
      "pass the public URL Dfns should post to, e.g. --url https://abc.ngrok.app/webhooks",
    );
  try {
    const parsed = new URL(url);
    if (parsed.protocol === "https:" || parsed.protocol === "http:") return url;
  } catch {
    // refused below
  }
  throw usageError(
    `--url must be an http or https URL, not ${url}`,
    "e.g. --url https://abc.ngrok.app/webhooks",
  );
}

/** --event values (default every kind, "*"), each a Dfns event kind (info.ts, from providers.md) or "*". */
export function eventKinds(given: readonly string[] | undefined): EventKinds {
  const kinds = [...new Set(given && given.length > 0 ? given : ["*"])];
  for (const kind of kinds) {
    if (kind === "*" || DFNS_EVENTS.includes(kind)) continue;
    const examples = nearKinds(kind);
    throw usageError(
      `unknown Dfns event kind "${kind}"`,
      `use kinds such as ${examples.join(", ")} (all ${DFNS_EVENTS.length}: whtool providers), or * for every kind`,
    );
  }
  return kinds as EventKinds;
}

/** Kinds of the closest family: `wallet.transfer.done` → the wallet.transfer.* kinds. */
function nearKinds(kind: string): string[] {
  const segments = kind.split(".");
  for (let n = segments.length - 1; n > 0; n--) {
    const prefix = `${segments.slice(0, n).join(".")}.`;
    const near = DFNS_EVENTS.filter((k) => k.startsWith(prefix) && !k.slice(prefix.length).includes("."));
    if (near.length > 0) return near.slice(0, 6);
  }
  return ["wallet.created", "wallet.transfer.confirmed", "policy.approval.pending"];
}

function update(
  dfns: DfnsConnection,
  webhookId: string,
  url: string,
  events: EventKinds,
): Promise<DfnsWebhook> {
  return dfns.call(
    `update webhook ${webhookId}`,
    (w) => w.updateWebhook({ webhookId, body: { url, events, status: "Enabled" } }),
    {
      idempotent: true,
      hints: {
        404: `no webhook ${webhookId} for these credentials: check the id, or leave --webhook-id out to create one`,
      },
    },
  );
}

async function updated(
  hook: DfnsWebhook,
  ctx: ApiContext,
  which: string,
  others: readonly string[],
): Promise<RegisterOutcome> {
  const saved = (await ctx.state.secrets("dfns")).find((s) => s.id === hook.id);
  // Keep the saved entry's URL current (listen matches secrets to nothing but the provider; this is for people reading it).
  if (saved && saved.url !== hook.url)
    await ctx.state.saveSecret(
      { provider: "dfns", id: hook.id, url: hook.url, secret: saved.secret },
      ctx.now(),
    );
  const statePath = shownPath(ctx);
  const secretLines = saved
    ? [
        `Dfns shows a webhook's secret only when it creates it; whtool saved this one's then, in ${statePath}, and whtool listen and whtool verify use it.`,
      ]
    : [
        `Dfns shows a webhook's secret only when it creates it, and whtool has none saved for ${hook.id} (it was not created by whtool register in this folder).`,
        `Set DFNS_WEBHOOK_SECRET to the secret you got when it was created; if it is lost, delete the webhook in the Dfns dashboard and run whtool register again to get a new one.`,
      ];
  return {
    provider: "dfns",
    action: "updated",
    id: hook.id,
    url: hook.url,
    secretSaved: saved !== undefined,
    message: [
      `Updated ${which}, ${hook.id}: ${hook.url} (events: ${hook.events.join(", ")}; ${hook.status}).`,
      ...(others.length > 0 ? [`Other webhooks at this URL, left as they are: ${others.join(", ")}.`] : []),
      ...secretLines,
      `Next: receive at that URL with whtool listen --provider dfns, then run whtool trigger ping --provider dfns --webhook-id ${hook.id}.`,
    ].join("\n"),
    details: {
      ...describe(hook),
      secretSaved: saved !== undefined,
      ...(saved ? { statePath } : {}),
      otherWebhooksAtUrl: others,
    },
  };
}

function describe(hook: DfnsWebhook): Record<string, unknown> {
  return {
    webhookId: hook.id,
    url: hook.url,
    events: hook.events,
    status: hook.status,
    ...(hook.description === undefined ? {} : { description: hook.description }),
    dateCreated: hook.dateCreated,
    dateUpdated: hook.dateUpdated,
  };
}

function shownPath(ctx: ApiContext): string {
  const rel = relative(ctx.cwd, ctx.state.path);
  return rel.startsWith("..") ? ctx.state.path : rel;
}

/** The secret could not be saved: delete the new webhook so none is left whose secret nobody holds. */
async function unsaved(dfns: DfnsConnection, id: string, path: string, error: unknown): Promise<Error> {
  const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  const undone = await dfns
    .call(`delete webhook ${id}`, (w) => w.deleteWebhook({ webhookId: id }), { idempotent: true })
    .then(() => true)
    .catch(() => false);
  return configError(
    `could not save the new webhook's secret to ${path} (${why})`,
    undone
      ? "the webhook was deleted again; make the folder writable and run whtool register again"
      : `deleting webhook ${id} failed too: delete it in the Dfns dashboard, make the folder writable and run whtool register again`,
  );
}
