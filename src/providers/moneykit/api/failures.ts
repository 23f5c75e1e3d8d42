import { apiFailure } from "../../../api/errors.js";
import { ApiError } from "../../../api/http.js";
import type { WhtoolError } from "../../../errors.js";
import type { MoneyKitProduct } from "../samples.js";
import { errorCode, type MoneyKitClient, MoneyKitRateLimit } from "./client.js";

/** providers.md: on-demand refreshes per link — accounts 1/h, transactions 1/h, account_numbers and identity 1/day. */
const REFRESH_WINDOW: Readonly<Record<MoneyKitProduct, string>> = {
  accounts: "hour",
  transactions: "hour",
  account_numbers: "day",
  identity: "day",
};

/** What the failed call was about, for hints that name the link and the products. */
export interface FailureScene {
  readonly action: string;
  readonly linkId?: string;
  /** Set for a refresh: the products asked for. */
  readonly products?: readonly MoneyKitProduct[];
  /** Set for a test webhook (its 429 is about test webhooks, not refreshes). */
  readonly testWebhook?: boolean;
  readonly now: Date;
}

/**
 * An error leaving the MoneyKit client: exit 4 with MoneyKit's own message (the client secret
 * redacted, should MoneyKit ever echo it) and a next step in plain words for MoneyKit's error codes.
 */
export function moneykitFailure(client: MoneyKitClient, error: unknown, scene: FailureScene): WhtoolError {
  if (!(error instanceof ApiError)) return apiFailure("MoneyKit", scene.action, error);
  const message = client.redact(error.providerMessage);
  const hint = hintFor(error, message, scene, client.baseUrl);
  const redacted = new ApiError(error.status, message, error.body);
  return apiFailure("MoneyKit", scene.action, redacted, hint === undefined ? {} : { [error.status]: hint });
}

function hintFor(error: ApiError, message: string, scene: FailureScene, baseUrl: string) {
  const link = scene.linkId ?? "ID";
  switch (errorCode(error.body)) {
    case "api_error.auth.unauthorized":
      return `check MONEYKIT_CLIENT_ID and MONEYKIT_CLIENT_SECRET: they are wrong, revoked, or for another environment (sandbox and production keys differ), and that MONEYKIT_API_URL (${baseUrl}) is the API they belong to`;
    case "api_error.auth.expired_access_token":
      return "MoneyKit called a freshly issued token expired: check this machine's clock, then try again";
    case "api_error.rate_limit_exceeded":
      return rateLimitHint(error, message, scene);
    case "link_error.forbidden_action":
      return "test webhooks work only for sandbox links: use a link made with sandbox credentials, or trigger refresh on a real link (may be billed)";
    case "link_error.bad_config":
      return `the link has no webhook: whtool register --provider moneykit --link ${link} --url URL`;
    case "link_error.not_found":
      return `no link ${link} for these credentials (sandbox and production links are separate): check the id, or make a link with whtool register --provider moneykit --new-link --url URL`;
    case "link_error.deleted":
      return `link ${link} was deleted and cannot be used again: make a new one with whtool register --provider moneykit --new-link --url URL`;
    case "link_error.bad_state":
      return `link ${link} is not connected (see MoneyKit's message): reconnect it through MoneyKit Connect, or use another link`;
    default:
      return error.status === 429 ? rateLimitHint(error, message, scene) : undefined;
  }
}

/** The product limited and when it can be refreshed again, from Retry-After or MoneyKit's message. */
function rateLimitHint(error: ApiError, message: string, scene: FailureScene): string {
  const when = retryWhen(error, message, scene.now);
  if (scene.testWebhook)
    return `MoneyKit limits how many test webhooks a link may send: send another ${when ?? "later"}`;
  if (scene.products === undefined)
    return `MoneyKit is rate limiting these calls: try again ${when ?? "later"}`;
  const named = /product[:\s]+([a-z_]+)/i.exec(message)?.[1];
  const product = isProduct(named) ? named : scene.products.length === 1 ? scene.products[0] : undefined;
  const limits =
    "MoneyKit refreshes each product of a link on demand at most once an hour (accounts, transactions) or once a day (account_numbers, identity)";
  const which =
    product === undefined
      ? "one of those products was refreshed too recently"
      : `${product} was refreshed within the last ${REFRESH_WINDOW[product]}`;
  const again = when === undefined ? "once that window has passed" : when;
  return `${limits}: ${which} and can be refreshed again ${again}; a sandbox link can send test webhooks meanwhile (whtool trigger link.product_refresh --provider moneykit --link ${scene.linkId ?? "ID"})`;
}

function isProduct(name: string | undefined): name is MoneyKitProduct {
  return name !== undefined && Object.hasOwn(REFRESH_WINDOW, name);
}

/** "in about 42 min (after 11:05 UTC)", or undefined when MoneyKit did not say. */
function retryWhen(error: ApiError, message: string, now: Date): string | undefined {
  let seconds = error instanceof MoneyKitRateLimit ? error.retryAfterS : undefined;
  const said = /retry (?:in|after) (\d+)\s*s/i.exec(message)?.[1];
  if (seconds === undefined && said !== undefined) seconds = Number(said);
  if (seconds === undefined) return undefined;
  const at = new Date(now.getTime() + seconds * 1000).toISOString().slice(11, 16);
  const span =
    seconds < 90
      ? `${seconds} s`
      : seconds < 5400
        ? `${Math.ceil(seconds / 60)} min`
        : `${Math.ceil(seconds / 3600)} h`;
  return `in about ${span} (after ${at} UTC)`;
}
