import { STATE_FILE } from "../../adapters/state.js";
import { envUrl, requireHttpUrl } from "../../api/client-credentials.js";
import { triggerOnEmulator } from "../../api/emulator-events.js";
import type {
  ApiContext,
  ProviderApi,
  RegisterInput,
  RegisterOutcome,
  RemoveOutcome,
  RemoveTarget,
  TriggerInput,
  TriggerOutcome,
} from "../../api/types.js";
import { didYouMean } from "../../core/suggest.js";
import { usageError } from "../../errors.js";
import { BRACKEN_API_DEFAULT, brackenClient } from "./api/client.js";
import { generateWebhookSecret } from "./api/secrets.js";
import { userCreate, userDelete } from "./api/users.js";
import { BRACKEN_EVENTS } from "./info.js";
import { type BrackenEvent, brackenEventName } from "./samples.js";

/**
 * Bracken's API (providers.md, Bracken; seed 003): one "merge" call creates or updates the
 * subscription of a domain to an event, with a secret the subscriber chooses; creating a user fires
 * `User_Create`. Bracken has no test-webhook endpoint, so `trigger user-create` makes a real test user.
 */

const TRIGGERS = {
  "user-create": "create a random test user (whtool-test-…, strong random password): fires User_Create",
  "user-delete":
    "delete a test user (--username): fires User_Delete; the endpoint is a guess, set BRACKEN_DELETE_USER_PATH",
} as const;

const mergePath = (domainKey: string, event: BrackenEvent) =>
  `/api/webhook/merge/domain/${domainKey}/event/${encodeURIComponent(event)}`;

const MERGE_HINTS = {
  400: "Bracken refused the subscription: check --url (a fully-qualified http(s) URL) and --event",
  403: "these credentials may not manage webhooks of this domain: check BRACKEN_DOMAIN_KEY",
  404: "Bracken has no such route: check BRACKEN_DOMAIN_KEY (an integer) and BRACKEN_API_URL",
};

/** `--event` values, case-insensitively (Bracken writes `user_create` and `User_Create`); default User_Create. */
function brackenEvents(given: readonly string[] | undefined): BrackenEvent[] {
  const names = given !== undefined && given.length > 0 ? given : ["User_Create"];
  const events: BrackenEvent[] = [];
  for (const name of names) {
    const event = brackenEventName(name);
    if (event === undefined)
      throw usageError(`unknown Bracken event "${name}"`, `use one of ${BRACKEN_EVENTS.join(", ")}`);
    if (!events.includes(event)) events.push(event);
  }
  return events;
}

type SecretSource = "flag" | "env" | "generated";

/** --secret, else BRACKEN_WEBHOOK_SECRET (what verify reads anyway), else a strong generated one. */
function chooseSecret(input: RegisterInput, ctx: ApiContext): { secret: string; source: SecretSource } {
  if (input.secret !== undefined && input.secret !== "") return { secret: input.secret, source: "flag" };
  const env = ctx.env.BRACKEN_WEBHOOK_SECRET;
  if (env !== undefined && env !== "") return { secret: env, source: "env" };
  return { secret: generateWebhookSecret(), source: "generated" };
}

const SOURCE_WORDS: Record<SecretSource, string> = {
  flag: "the one given with --secret",
  env: "BRACKEN_WEBHOOK_SECRET from the environment",
  generated: "a new random one whtool generated (32 bytes)",
};

async function register(input: RegisterInput, ctx: ApiContext): Promise<RegisterOutcome> {
  const url = requireHttpUrl(input.url, "--url", "register --provider bracken");
  const events = brackenEvents(input.events);
  const client = brackenClient(ctx, "Bracken register");
  // Before any call: a state file that cannot be written must not strand a secret Bracken already has.
  await ctx.state.check();
  const { secret, source } = chooseSecret(input, ctx);
  ctx.say(`Bracken: merging the ${events.join(", ")} subscription of domain ${client.domainKey} → ${url}`);
  const statuses: number[] = [];
  for (const event of events) {
    const res = await client.call(
      "PUT",
      mergePath(client.domainKey, event),
      { target: url, secret, active: true },
      `merge webhook ${event}`,
      MERGE_HINTS,
      [secret],
    );
    statuses.push(res.status);
    await ctx.state.keepSecret({ provider: "bracken", id: event, url, secret }, ctx.now());
  }
  // The merge answers 200 with the subscription either way (seed 003): only a 201 would say "new".
  const created = statuses.every((status) => status === 201);
  const lines = [
    `Bracken ${created ? "created" : "merged"} the ${events.join(", ")} subscription${events.length > 1 ? "s" : ""} of domain ${client.domainKey} → ${url} (active).`,
    ...(created
      ? []
      : [
          "Bracken's merge call creates the subscription or replaces the one that exists for that event and domain, and its answer does not say which: any earlier target for these events no longer gets them.",
        ]),
    `Webhook secret: ${SOURCE_WORDS[source]}; saved to ${STATE_FILE} (mode 0600), where whtool listen and whtool verify find it.`,
  ];
  if (source === "flag" && secret.length < 16)
    lines.push(
      "Warning: that secret is short; Bracken advises a strong one (leave out --secret and whtool generates one).",
    );
  lines.push("Next: whtool listen --provider bracken, then whtool trigger user-create --provider bracken.");
  return {
    provider: "bracken",
    action: created ? "created" : "updated",
    id: events.join(","),
    url,
    secretSaved: true,
    message: lines.join("\n"),
    details: { domainKey: Number(client.domainKey), events, secretSource: source, merge: "create-or-update" },
  };
}

async function trigger(input: TriggerInput, ctx: ApiContext): Promise<TriggerOutcome> {
  const name = input.name.trim().toLowerCase();
  if (name === "user-create") return userCreate(ctx);
  if (name === "user-delete") return userDelete(input, ctx);
  const triggers = Object.entries(TRIGGERS)
    .map(([trigger, what]) => `${trigger} (${what})`)
    .join("; ");
  const event = brackenEventName(input.name);
  if (event === undefined)
    throw usageError(
      `unknown Bracken trigger or event "${input.name}"`,
      `${didYouMean(input.name, [...Object.keys(TRIGGERS), ...BRACKEN_EVENTS])}use one of: ${triggers}; on whtool's emulator also any event: ${BRACKEN_EVENTS.join(", ")}`,
    );
  return triggerOnEmulator(
    "bracken",
    envUrl(ctx.env, "BRACKEN_API_URL", BRACKEN_API_DEFAULT),
    event,
    triggers,
  );
}

/**
 * Turns the subscriptions off: the merge again with `active: false` (Bracken documents no delete) and a
 * fresh random secret, so the one whtool saved is no longer in use; then forgets the saved secrets.
 */
async function unregister(outcome: RegisterOutcome, ctx: ApiContext): Promise<void> {
  if (outcome.url === null) return;
  const listed = outcome.details.events;
  const names = Array.isArray(listed)
    ? listed.filter((e): e is string => typeof e === "string")
    : (outcome.id ?? "").split(",");
  const events = brackenEvents(names.filter((e) => e !== ""));
  const client = brackenClient(ctx, "Bracken unregister");
  for (const event of events) {
    await client.call(
      "PUT",
      mergePath(client.domainKey, event),
      { target: outcome.url, secret: generateWebhookSecret(), active: false },
      `deactivate webhook ${event}`,
      MERGE_HINTS,
    );
    await ctx.state.forget("bracken", event);
  }
  ctx.say(
    `Bracken: ${events.join(", ")} subscription of domain ${client.domainKey} set inactive; secret forgotten.`,
  );
}

/**
 * `whtool unregister --provider bracken --url URL`: deactivates the URL's subscriptions, for the
 * events given, else those whtool registered for that URL (Bracken lists none by URL).
 */
async function remove(target: RemoveTarget, ctx: ApiContext): Promise<RemoveOutcome> {
  const url = requireHttpUrl(target.url, "--url", "unregister --provider bracken");
  const saved = (await ctx.state.secrets("bracken")).filter((entry) => entry.url === url).map((e) => e.id);
  const events = target.events && target.events.length > 0 ? target.events : saved;
  if (events.length === 0)
    throw usageError(
      `whtool registered no Bracken subscription for ${url} here, so it does not know which events to turn off`,
      "name them: whtool unregister --provider bracken --url URL --event User_Create",
    );
  const outcome = {
    provider: "bracken" as const,
    action: "updated" as const,
    id: events.join(","),
    url,
    secretSaved: false,
    message: "",
    details: { events },
  };
  await unregister(outcome, ctx);
  return {
    provider: "bracken",
    removed: brackenEvents(events).map((event) => ({ id: event, url })),
    message: `Bracken: ${events.join(", ")} subscription for ${url} set inactive`,
  };
}

export const brackenApi: ProviderApi = {
  loopTrigger: (name) => ({ name }),
  removeTargetOptional: false,
  triggers: TRIGGERS,
  defaultTrigger: "user-create",
  register,
  trigger,
  unregister,
  remove,
};
