import { randomBytes } from "node:crypto";
import { ApiError } from "../../../api/http.js";
import type { ApiContext, RegisterInput, RegisterOutcome } from "../../../api/types.js";
import { networkError, usageError } from "../../../errors.js";
import { MoneyKitClient } from "./client.js";
import { moneykitFailure } from "./failures.js";

/**
 * Where MoneyKit Connect sends the end user back after an OAuth institution. The seed's example
 * front end runs on http://localhost:3000; MONEYKIT_REDIRECT_URI overrides it.
 */
export const MONEYKIT_DEFAULT_REDIRECT_URI = "http://localhost:3000/";

const USAGE =
  "whtool register --provider moneykit --link ID --url URL (set an existing link's webhook; default link: MONEYKIT_LINK_ID) or --new-link --url URL (start a link session with that webhook)";

/**
 * `--link ID --url URL` → PATCH /links/{id}; `--new-link --url URL` → POST /link-session.
 * Without either, the link is MONEYKIT_LINK_ID, as for trigger (whtool emulate sets it).
 */
export async function registerMoneyKit(input: RegisterInput, ctx: ApiContext): Promise<RegisterOutcome> {
  if (input.newLink && input.link !== undefined)
    throw usageError("--link and --new-link cannot be combined", USAGE);
  const link = input.newLink ? undefined : (input.link ?? ctx.env.MONEYKIT_LINK_ID);
  if (!input.newLink && link === undefined)
    throw usageError("MoneyKit register needs --link ID or --new-link", USAGE);
  const url = checkedUrl(input);
  const client = MoneyKitClient.for(ctx);
  return link !== undefined ? setLinkWebhook(client, link, url, ctx) : newLinkSession(client, url, ctx);
}

/** Undoes `--link`: the link's webhook is removed (`null`, providers.md). A link already gone is fine. */
export async function unregisterMoneyKit(outcome: RegisterOutcome, ctx: ApiContext): Promise<void> {
  const linkId = outcome.details.linkId;
  if (outcome.details.mode !== "link" || typeof linkId !== "string") return; // a link session leaves nothing to undo
  const client = MoneyKitClient.for(ctx);
  try {
    await client.call("PATCH", `/links/${encodeURIComponent(linkId)}`, { json: { webhook: null } });
    ctx.say(`MoneyKit link ${linkId}: webhook removed`);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 410)) return; // deleted meanwhile (e.g. trigger delete-link): nothing left to undo
    throw moneykitFailure(client, error, { action: "unregister", linkId, now: ctx.now() });
  }
}

function checkedUrl(input: RegisterInput): string {
  if (input.url === undefined)
    throw usageError("MoneyKit register needs --url URL (where webhooks go)", USAGE);
  let parsed: URL;
  try {
    parsed = new URL(input.url);
  } catch {
    throw usageError(
      `--url ${input.url} is not an absolute URL`,
      "pass e.g. --url https://example.ngrok.app/webhooks",
    );
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:")
    throw usageError(
      `--url ${input.url} is not http(s)`,
      "pass e.g. --url https://example.ngrok.app/webhooks",
    );
  return input.url;
}

function keysLine(client: MoneyKitClient): string {
  return `No secret to save: MoneyKit signs each delivery with its ES256 keys, which whtool listen and whtool verify fetch from ${client.jwksUrl}.`;
}

async function setLinkWebhook(
  client: MoneyKitClient,
  linkId: string,
  url: string,
  ctx: ApiContext,
): Promise<RegisterOutcome> {
  let link: Record<string, unknown>;
  try {
    const response = await client.call("PATCH", `/links/${encodeURIComponent(linkId)}`, {
      json: { webhook: url },
    });
    link =
      typeof response.body === "object" && response.body !== null
        ? (response.body as Record<string, unknown>)
        : {};
  } catch (error) {
    throw moneykitFailure(client, error, { action: "register", linkId, now: ctx.now() });
  }
  const institution = typeof link.institution_name === "string" ? ` (${link.institution_name})` : "";
  const state = typeof link.state === "string" ? link.state : "unknown";
  return {
    provider: "moneykit",
    action: "updated",
    id: linkId,
    url,
    secretSaved: false,
    message: [
      `MoneyKit link ${linkId}${institution}, ${state}, now sends its webhooks to ${url}.`,
      keysLine(client),
      `Next: whtool trigger link.state_changed --provider moneykit --link ${linkId} (test webhooks need a sandbox link; on a real link use trigger refresh --products accounts).`,
    ].join("\n"),
    details: {
      mode: "link",
      linkId,
      state,
      institution_id: link.institution_id ?? null,
      institution_name: link.institution_name ?? null,
      webhook: url,
      jwksUrl: client.jwksUrl,
    },
  };
}

async function newLinkSession(
  client: MoneyKitClient,
  url: string,
  ctx: ApiContext,
): Promise<RegisterOutcome> {
  // MoneyKit requires a customer user id of ours; a fresh one per session keeps test links apart.
  const customerUserId = `whtool-${randomBytes(6).toString("hex")}`;
  const redirectUri = ctx.env.MONEYKIT_REDIRECT_URI || MONEYKIT_DEFAULT_REDIRECT_URI;
  let token: unknown;
  try {
    const response = await client.call("POST", "/link-session", {
      json: { customer_user: { id: customerUserId }, redirect_uri: redirectUri, webhook: url },
    });
    token = (response.body as { link_session_token?: unknown } | null)?.link_session_token;
  } catch (error) {
    throw moneykitFailure(client, error, { action: "register --new-link", now: ctx.now() });
  }
  if (typeof token !== "string" || token === "")
    throw networkError(
      "MoneyKit register --new-link: the answer carried no link_session_token",
      `check MONEYKIT_API_URL (${client.baseUrl}): it should be MoneyKit's API or whtool's emulator`,
    );
  const lines = [
    `MoneyKit link session created for customer user ${customerUserId}: the link made with it will send its webhooks to ${url}.`,
    `link_session_token: ${token}`,
    "Next: open MoneyKit Connect with this link_session_token (the Connect SDK in your front end) and link an institution (sandbox keys give a sandbox link, which can send test webhooks); Connect then hands your front end an exchangeable_token: exchange it with POST /link-session/exchange-token and the first webhook, link.state_changed (connected), follows.",
  ];
  if (isLoopback(client.baseUrl))
    lines.push(
      `Against whtool's emulator, stand in for Connect with POST ${client.baseUrl}/_emulator/link-session/complete {"link_session_token":"…"}; it answers the exchangeable_token to exchange.`,
    );
  lines.push(keysLine(client));
  return {
    provider: "moneykit",
    action: "created",
    id: null,
    url,
    secretSaved: false,
    message: lines.join("\n"),
    details: {
      mode: "link-session",
      linkSessionToken: token,
      customerUserId,
      redirectUri,
      webhook: url,
      jwksUrl: client.jwksUrl,
    },
  };
}

function isLoopback(baseUrl: string): boolean {
  const host = new URL(baseUrl).hostname;
  return host === "localhost" || host === "[::1]" || host.startsWith("127.");
}
