import { randomUUID } from "node:crypto";
import type { ApiContext, TriggerInput, TriggerOutcome } from "../../../api/types.js";
import { usageError } from "../../../errors.js";
import { MONEYKIT_EVENT_ALIASES, MONEYKIT_EVENTS } from "../info.js";
import { MONEYKIT_PRODUCTS, type MoneyKitProduct } from "../samples.js";
import { MoneyKitClient } from "./client.js";
import { type FailureScene, moneykitFailure } from "./failures.js";

export const MONEYKIT_TRIGGERS: Readonly<Record<string, string>> = {
  "link.state_changed": "test webhook: the link's state (sandbox links only)",
  "link.product_refresh": "test webhook: a product refresh (sandbox links only)",
  "transactions.updates_available": "test webhook: new transactions (sandbox links only)",
  refresh:
    "refresh products now (--products accounts,transactions…); one link.product_refresh each; may be billed",
  "delete-link": "delete the link (--yes; irreversible); sends link.state_changed (deleted)",
};

const LISTEN =
  "Watch it arrive with whtool listen --provider moneykit (the link's webhook URL must reach the listener).";

export async function triggerMoneyKit(input: TriggerInput, ctx: ApiContext): Promise<TriggerOutcome> {
  const event = MONEYKIT_EVENT_ALIASES[input.name] ?? input.name;
  const known = (MONEYKIT_EVENTS as readonly string[]).includes(event) || event in MONEYKIT_TRIGGERS;
  if (!known)
    throw usageError(
      `unknown MoneyKit trigger ${input.name}`,
      `use one of: ${Object.keys(MONEYKIT_TRIGGERS).join(", ")}`,
    );
  const linkId = linkOf(input, ctx);
  if (event === "refresh") return refresh(linkId, productsOf(input), ctx);
  if (event === "delete-link") {
    if (input.yes !== true)
      throw usageError(
        `delete-link deletes MoneyKit link ${linkId} for good: it cannot be undone and the link becomes unusable`,
        "add --yes to confirm",
      );
    return deleteLink(linkId, ctx);
  }
  return testWebhook(linkId, event, input.name, ctx);
}

/** --link, else MONEYKIT_LINK_ID (whtool emulate sets it to its ready sandbox link). */
function linkOf(input: TriggerInput, ctx: ApiContext): string {
  const link = input.link ?? ctx.env.MONEYKIT_LINK_ID;
  if (link === undefined || link === "")
    throw usageError(
      `MoneyKit trigger ${input.name} needs a link: pass --link ID`,
      "or set MONEYKIT_LINK_ID (whtool emulate sets it to its ready sandbox link); whtool register --provider moneykit --new-link --url URL makes a new link",
    );
  return link;
}

function productsOf(input: TriggerInput): MoneyKitProduct[] {
  const given = (input.products ?? [])
    .flatMap((p) => p.split(","))
    .map((p) => p.trim())
    .filter(Boolean);
  const hint = `pass --products with a comma list of ${MONEYKIT_PRODUCTS.join(", ")}, e.g. --products accounts,transactions`;
  if (given.length === 0) throw usageError("MoneyKit trigger refresh needs --products", hint);
  const unknown = given.filter((p) => !(MONEYKIT_PRODUCTS as readonly string[]).includes(p));
  if (unknown.length > 0) throw usageError(`unknown MoneyKit product ${unknown.join(", ")}`, hint);
  return [...new Set(given as MoneyKitProduct[])];
}

async function run<T>(client: MoneyKitClient, scene: FailureScene, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw moneykitFailure(client, error, scene);
  }
}

/**
 * providers.md: `POST /webhooks/test/link/{id}`. The idempotency key is fresh per trigger (so each
 * trigger is a new event for the receiver's dedupe) and the same across ApiHttp's 5xx retries (so
 * MoneyKit sends one event however often the request is retried).
 */
async function testWebhook(
  linkId: string,
  event: string,
  asked: string,
  ctx: ApiContext,
): Promise<TriggerOutcome> {
  const client = MoneyKitClient.for(ctx);
  const idempotencyKey = randomUUID();
  const response = await run(
    client,
    { action: `trigger ${event}`, linkId, testWebhook: true, now: ctx.now() },
    () =>
      client.call("POST", `/webhooks/test/link/${encodeURIComponent(linkId)}`, {
        json: { webhook_event: event, webhook_idempotency_key: idempotencyKey },
      }),
  );
  const token = (response.body as { delivery_token?: unknown } | null)?.delivery_token;
  const deliveryToken = typeof token === "string" ? token : null;
  const lines = [
    `MoneyKit accepted a test ${event} for link ${linkId}; it goes to the link's webhook URL, signed with MoneyKit's ES256 key.`,
    `webhook_idempotency_key: ${idempotencyKey}${deliveryToken ? `; MoneyKit-Delivery-Token: ${deliveryToken}` : ""}`,
  ];
  if (asked !== event)
    lines.push(`(${asked} is the seed guide's spelling; MoneyKit's name ${event} was sent.)`);
  lines.push(LISTEN);
  return {
    provider: "moneykit",
    trigger: event,
    message: lines.join("\n"),
    details: { linkId, event, idempotencyKey, deliveryToken, ...(asked !== event && { alias: asked }) },
  };
}

/** providers.md: `POST /links/{id}/products` → 202 Link; rate-limited per product; may be billed on real links. */
async function refresh(
  linkId: string,
  products: MoneyKitProduct[],
  ctx: ApiContext,
): Promise<TriggerOutcome> {
  const client = MoneyKitClient.for(ctx);
  const response = await run(client, { action: "trigger refresh", linkId, products, now: ctx.now() }, () =>
    client.call("POST", `/links/${encodeURIComponent(linkId)}/products`, { json: { products } }),
  );
  const webhook = (response.body as { webhook?: unknown } | null)?.webhook;
  const list = products.join(", ");
  const lines = [
    `MoneyKit is refreshing ${list} for link ${linkId}; one link.product_refresh webhook per product follows as each refresh progresses.`,
    typeof webhook === "string"
      ? LISTEN
      : `The link has no webhook, so nothing will be delivered: whtool register --provider moneykit --link ${linkId} --url URL first.`,
    "On-demand refreshes of real links may be billed, and each product refreshes at most once an hour (accounts, transactions) or once a day (account_numbers, identity).",
  ];
  return {
    provider: "moneykit",
    trigger: "refresh",
    message: lines.join("\n"),
    details: { linkId, products, webhook: typeof webhook === "string" ? webhook : null },
  };
}

/** providers.md: `DELETE /links/{id}`, empty body (status undocumented: any 2xx). */
async function deleteLink(linkId: string, ctx: ApiContext): Promise<TriggerOutcome> {
  const client = MoneyKitClient.for(ctx);
  await run(client, { action: "trigger delete-link", linkId, now: ctx.now() }, () =>
    client.call("DELETE", `/links/${encodeURIComponent(linkId)}`),
  );
  return {
    provider: "moneykit",
    trigger: "delete-link",
    message: [
      `MoneyKit deleted link ${linkId}; it sends link.state_changed (deleted) to the link's webhook URL.`,
      "The link cannot be used again: make a new one with whtool register --provider moneykit --new-link --url URL.",
      LISTEN,
    ].join("\n"),
    details: { linkId },
  };
}
