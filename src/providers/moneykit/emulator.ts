/**
 * MoneyKit API emulator (providers.md, MoneyKit). Loopback only; one client, one DeliveryEngine.
 *
 * API (every call but the token and the JWKS needs `Authorization: Bearer`; unknown or missing →
 * 401 `api_error.auth.unauthorized`, expired → 401 `api_error.auth.expired_access_token`; a body that
 * does not validate → 422 `api_error.request.validation_failed`; errors are always
 * `{"error_code","error_message","documentation_url"}`):
 *   POST   /auth/token                   form `grant_type=client_credentials&client_id&client_secret[&scope]`
 *                                        or HTTP Basic → 201 {access_token, token_type:"bearer", expires_in:3600};
 *                                        bad credentials → 401 unauthorized
 *   POST   /link-session                 → 201 {link_session_token}
 *   POST   /link-session/exchange-token  {exchangeable_token} → 201 {link_id, link}; sends link.state_changed
 *                                        (connected) to the link's webhook; unknown/used token → 404
 *   GET    /links/{id}                   → 200 Link; 404 link_error.not_found; 410 link_error.deleted
 *   PATCH  /links/{id}                   {"webhook": url|null} → 200 Link
 *   DELETE /links/{id}                   → 204 (configurable), empty; sends link.state_changed (deleted)
 *   POST   /links/{id}/products          {"products":[…]} → 202 Link; 429 api_error.rate_limit_exceeded naming
 *                                        the product; sends one link.product_refresh per product and state
 *   POST   /webhooks/test/link/{id}      {webhook_event, webhook_idempotency_key?} → 200 {delivery_token};
 *                                        400 bad_config (no webhook), 403 forbidden_action (not sandbox),
 *                                        404, 410, 422 (unknown event; seed aliases accepted, real names sent)
 *   GET    /.well-known/jwks.json        no auth → {keys:[current, previous]}
 *   Unknown path → 404 api_error.request.not_found; wrong method → 405 api_error.request.method_not_allowed.
 *
 * Emulator-only control endpoints (no auth; loopback only):
 *   POST /_emulator/link-session/complete  {link_session_token, sandbox?: boolean = true} → 201
 *        {exchangeable_token, institution_id, institution_name}: what the Connect SDK hands the front end
 *        when the end user finishes linking (the link now awaits the token exchange).
 *   POST /_emulator/links                  {sandbox?: boolean = true, webhook?, link_tags?} → 201 Link: a
 *        connected link made directly; `"sandbox": false` gives a production link (the 403 path).
 *   POST /_emulator/rotate-keys            → 200 {kid, previous_kid, dropped_kid}: new ES256 key signs from
 *        now on; the previous stays in the JWKS, older ones are dropped.
 *   POST /_emulator/expire-tokens          → 200 {expired: n}: every issued access token expires now.
 *   GET  /_emulator/deliveries             → 200 {deliveries:[attempt records]} (bodies and headers as sent;
 *        signatures are public JWTs, no secret is in them).
 */
import { randomBytes } from "node:crypto";
import { DeliveryEngine, exponentialOffsets, SCHEDULES } from "../../emulators/delivery-engine.js";
import { Router, serveRouter } from "../../emulators/router.js";
import { TokenStore } from "../../emulators/tokens.js";
import {
  type EmulatorOptions,
  type RunningEmulator,
  runningEmulator,
  type StartEmulator,
} from "../../emulators/types.js";
import { type MoneyKitApi, registerApiRoutes } from "./emulator/api.js";
import { jsonObject, stringList, webhookUrl } from "./emulator/body.js";
import { invalid, type MoneyKitErrorCode, mkErrorBody } from "./emulator/errors.js";
import { KeyRing } from "./emulator/keyring.js";
import { LinkStore, linkJson } from "./emulator/links.js";
import { WebhookSender } from "./emulator/webhooks.js";
import type { MoneyKitProduct, MoneyKitProductRefreshState } from "./samples.js";

const { MIN, HOUR, DAY } = SCHEDULES;

/** providers.md: accounts 1/h, transactions 1/h, account_numbers 1/day, identity 1/day. */
export const MONEYKIT_PRODUCT_RATE_LIMITS_MS: Readonly<Record<MoneyKitProduct, number>> = {
  accounts: HOUR,
  transactions: HOUR,
  account_numbers: DAY,
  identity: DAY,
};

/**
 * providers.md: "non-2xx is retried with exponential backoff for up to two hours"; the exact schedule
 * is unknown, so this default (1 min doubling: 0, 1, 3, 7, 15, 31, 63 min → 7 attempts) is an option.
 */
export const MONEYKIT_DEFAULT_RETRY_OFFSETS_MS: readonly number[] = exponentialOffsets(MIN, 2 * HOUR);

export interface MoneyKitEmulatorOptions extends EmulatorOptions {
  /** Unknown upstream (exact backoff schedule): attempt offsets in ms after the first. */
  readonly retryOffsetsMs?: readonly number[];
  /** Unknown upstream (`MoneyKit-Delivery-Attempt` numbering): the first attempt's number, 1 by default. */
  readonly firstAttemptNumber?: 0 | 1;
  /** Unknown upstream (providers.md: DELETE status not documented): 204 by default. */
  readonly deleteStatus?: 200 | 204;
  /** Per-product refresh windows; defaults to providers.md's limits. */
  readonly productRateLimitsMs?: Partial<Record<MoneyKitProduct, number>>;
  /**
   * Emulation choice: the states one product refresh reports, one `link.product_refresh` each.
   * Default `["completed"]`; e.g. `["in_progress", "completed"]` or `["failed"]`.
   */
  readonly productRefreshStates?: readonly MoneyKitProductRefreshState[];
  /** Unknown upstream (providers.md lists a 429 for test webhooks, no limit): off by default. */
  readonly testWebhookLimit?: { readonly count: number; readonly windowMs: number };
}

/** Error codes for the router's own answers (INFERRED: MoneyKit publishes no list for these). */
const ROUTER_ERROR_CODES: Record<number, MoneyKitErrorCode> = {
  404: "api_error.request.not_found",
  405: "api_error.request.method_not_allowed",
  413: "api_error.request.too_large",
};

export const startMoneyKitEmulator = (async (
  options: MoneyKitEmulatorOptions = {},
): Promise<RunningEmulator> => {
  const now = options.now ?? (() => new Date());
  const engine = new DeliveryEngine({ timeScale: options.timeScale ?? 1, now });
  const keys = await KeyRing.create();
  const tokens = new TokenStore(now, 3600);
  const links = new LinkStore(now);
  const api: MoneyKitApi = {
    clientId: randomBytes(12).toString("hex"),
    clientSecret: randomBytes(32).toString("base64url"),
    tokens,
    links,
    keys,
    webhooks: new WebhookSender({
      engine,
      keys,
      now,
      offsetsMs: options.retryOffsetsMs ?? MONEYKIT_DEFAULT_RETRY_OFFSETS_MS,
      firstAttemptNumber: options.firstAttemptNumber ?? 1,
    }),
    now,
    productRateLimitsMs: { ...MONEYKIT_PRODUCT_RATE_LIMITS_MS, ...options.productRateLimitsMs },
    productRefreshStates: options.productRefreshStates ?? ["completed"],
    testWebhookLimit: options.testWebhookLimit,
    deleteStatus: options.deleteStatus ?? 204,
  };

  const router = new Router((status, message) =>
    mkErrorBody(ROUTER_ERROR_CODES[status] ?? "api_error.internal_server_error", `${message}.`),
  );
  registerApiRoutes(router, api);
  registerControlRoutes(router, api, engine);

  // SPEC (emulate): a ready sandbox link, named by MONEYKIT_LINK_ID.
  const ready = links.create({ sandbox: true });
  const server = await serveRouter(router, options.port ?? 0);
  return runningEmulator("moneykit", server, engine, {
    MONEYKIT_API_URL: server.url,
    MONEYKIT_CLIENT_ID: api.clientId,
    MONEYKIT_CLIENT_SECRET: api.clientSecret,
    MONEYKIT_LINK_ID: ready.id,
  });
}) satisfies StartEmulator;

function registerControlRoutes(router: Router, api: MoneyKitApi, engine: DeliveryEngine): void {
  router.on("POST", "/_emulator/link-session/complete", (req) => {
    const body = jsonObject(req);
    const token = body.link_session_token;
    if (typeof token !== "string") throw invalid("link_session_token is required.");
    const { exchangeableToken, link } = api.links.completeSession(token, sandboxFlag(body));
    return {
      status: 201,
      body: {
        exchangeable_token: exchangeableToken,
        institution_id: link.institution.id,
        institution_name: link.institution.name,
      },
    };
  });
  router.on("POST", "/_emulator/links", (req) => {
    const body = req.body.length === 0 ? {} : jsonObject(req);
    const link = api.links.create({
      sandbox: sandboxFlag(body),
      webhook: body.webhook === undefined || body.webhook === null ? undefined : webhookUrl(body.webhook),
      tags: stringList(body.link_tags, "link_tags"),
    });
    return { status: 201, body: linkJson(link) };
  });
  router.on("POST", "/_emulator/rotate-keys", async () => {
    const rotated = await api.keys.rotate();
    return {
      status: 200,
      body: { kid: rotated.kid, previous_kid: rotated.previousKid, dropped_kid: rotated.dropped },
    };
  });
  router.on("POST", "/_emulator/expire-tokens", () => ({
    status: 200,
    body: { expired: api.tokens.expireAll() },
  }));
  router.on("GET", "/_emulator/deliveries", () => ({
    status: 200,
    body: {
      deliveries: engine.attempts.map((a) => ({ ...a, sentAt: a.sentAt.toISOString() })),
    },
  }));
}

function sandboxFlag(body: Record<string, unknown>): boolean {
  const value = body.sandbox;
  if (value === undefined) return true;
  if (typeof value !== "boolean") throw invalid("sandbox must be a boolean.");
  return value;
}
