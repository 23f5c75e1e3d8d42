import { safeEqualHidingLength, utf8 } from "../../../core/bytes.js";
import {
  basicAuth,
  bearer,
  type EmuRequest,
  type EmuResponse,
  formBody,
  type Handler,
  type Router,
} from "../../../emulators/router.js";
import type { TokenStore } from "../../../emulators/tokens.js";
import { MONEYKIT_EVENT_ALIASES, MONEYKIT_EVENTS } from "../info.js";
import {
  isMoneyKitEvent,
  MONEYKIT_SAMPLE_FIELDS,
  type MoneyKitProduct,
  type MoneyKitProductRefreshState,
} from "../samples.js";
import {
  jsonObject,
  optionalString,
  productList,
  requiredString,
  sessionProducts,
  stringList,
  webhookUrl,
} from "./body.js";
import { invalid, mkError } from "./errors.js";
import type { KeyRing } from "./keyring.js";
import { type LinkRecord, type LinkStore, linkJson } from "./links.js";
import type { WebhookSender } from "./webhooks.js";

/** Everything the API handlers share. */
export interface MoneyKitApi {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tokens: TokenStore;
  readonly links: LinkStore;
  readonly keys: KeyRing;
  readonly webhooks: WebhookSender;
  readonly now: () => Date;
  /** Window (ms) in which a product may be refreshed once. */
  readonly productRateLimitsMs: Readonly<Record<MoneyKitProduct, number>>;
  /** Product states a refresh reports, one `link.product_refresh` each, in order. */
  readonly productRefreshStates: readonly MoneyKitProductRefreshState[];
  readonly testWebhookLimit: { readonly count: number; readonly windowMs: number } | undefined;
  readonly deleteStatus: 200 | 204;
}

const HOUR_MS = 3_600_000;

export function registerApiRoutes(router: Router, api: MoneyKitApi): void {
  const authed =
    (handler: Handler): Handler =>
    (req) => {
      requireToken(api, req);
      return handler(req);
    };
  const param = (req: EmuRequest) => req.params.id ?? "";

  router.on("POST", "/auth/token", (req) => issueToken(api, req));
  // providers.md: the JWKS needs no auth (an optional X-Client-Id is accepted and ignored).
  router.on("GET", "/.well-known/jwks.json", () => ({ status: 200, body: api.keys.jwks() }));

  router.on(
    "POST",
    "/link-session",
    authed((req) => {
      const body = jsonObject(req);
      const user = body.customer_user;
      const userId =
        typeof user === "object" && user !== null
          ? optionalString(user as Record<string, unknown>, "id")
          : undefined;
      if (userId === undefined) throw invalid("Request validation error: customer_user.id is required.");
      optionalString(body, "redirect_uri");
      const webhook =
        body.webhook === undefined || body.webhook === null ? undefined : webhookUrl(body.webhook);
      const existingLinkId = optionalString(body, "existing_link_id");
      if (existingLinkId !== undefined) api.links.live(existingLinkId);
      const token = api.links.createSession({
        customerUserId: userId,
        webhook,
        tags: stringList(body.link_tags, "link_tags") ?? [],
        existingLinkId,
        products: sessionProducts(body.settings),
      });
      return { status: 201, body: { link_session_token: token } };
    }),
  );

  router.on(
    "POST",
    "/link-session/exchange-token",
    authed((req) => {
      const link = api.links.exchange(requiredString(jsonObject(req), "exchangeable_token"));
      // Seed 000: the first webhook after linking is link.state_changed saying the link is connected.
      notify(api, link, "connected");
      return { status: 201, body: { link_id: link.id, link: linkJson(link) } };
    }),
  );

  router.on(
    "GET",
    "/links/:id",
    authed((req) => ({ status: 200, body: linkJson(api.links.live(param(req))) })),
  );

  router.on(
    "PATCH",
    "/links/:id",
    authed((req) => {
      const body = jsonObject(req);
      const link = api.links.live(param(req));
      // providers.md: `{"webhook": url}` sets it, `null` removes it; an absent field leaves it alone.
      if ("webhook" in body) link.webhook = body.webhook === null ? undefined : webhookUrl(body.webhook);
      return { status: 200, body: linkJson(link) };
    }),
  );

  router.on(
    "DELETE",
    "/links/:id",
    authed((req) => {
      const link = api.links.live(param(req));
      link.state = "deleted";
      notify(api, link, "deleted");
      // providers.md: empty body, status not documented (204 unless configured otherwise).
      return { status: api.deleteStatus };
    }),
  );

  router.on(
    "POST",
    "/links/:id/products",
    authed((req) => refreshProducts(api, param(req), req)),
  );

  router.on(
    "POST",
    "/webhooks/test/link/:id",
    authed((req) => testWebhook(api, param(req), req)),
  );
}

function requireToken(api: MoneyKitApi, req: EmuRequest): void {
  const state = api.tokens.check(bearer(req));
  if (state === "valid") return;
  if (state === "expired")
    throw mkError(401, "api_error.auth.expired_access_token", "Access token expired", {
      "www-authenticate": "Bearer",
    });
  throw mkError(401, "api_error.auth.unauthorized", "Invalid or missing access token.", {
    "www-authenticate": "Bearer",
  });
}

/** providers.md: form-encoded client credentials (or HTTP Basic) → 201 bearer token for 3600 s. */
function issueToken(api: MoneyKitApi, req: EmuRequest): EmuResponse {
  if (/json/i.test(req.headers["content-type"] ?? ""))
    throw invalid("Request validation error: the token request must be form-encoded.");
  const form = formBody(req);
  const grant = form.get("grant_type");
  if (grant !== "client_credentials")
    throw invalid(`Request validation error: grant_type must be "client_credentials".`);
  const basic = basicAuth(req);
  const id = form.get("client_id") ?? basic?.id;
  const secret = form.get("client_secret") ?? basic?.secret;
  if (id === undefined || secret === undefined)
    throw mkError(401, "api_error.auth.unauthorized", "Missing client_id or client_secret.");
  // Both compared in constant time, and both always compared.
  const idOk = safeEqualHidingLength(utf8(id), utf8(api.clientId));
  const secretOk = safeEqualHidingLength(utf8(secret), utf8(api.clientSecret));
  if (!idOk || !secretOk) throw mkError(401, "api_error.auth.unauthorized", "Invalid client credentials.");
  const { token, expiresIn } = api.tokens.issue(id, "mk_at_");
  return { status: 201, body: { access_token: token, token_type: "bearer", expires_in: expiresIn } };
}

/** A `link.state_changed` to the link's webhook, when it has one. */
function notify(api: MoneyKitApi, link: LinkRecord, state: "connected" | "deleted"): void {
  if (link.webhook === undefined) return;
  api.webhooks.send({ url: link.webhook, linkId: link.id, linkTags: link.tags }, "link.state_changed", {
    state,
  });
}

function per(windowMs: number): string {
  if (windowMs % (24 * HOUR_MS) === 0)
    return windowMs === 24 * HOUR_MS ? "day" : `${windowMs / 86_400_000} days`;
  if (windowMs % HOUR_MS === 0) return windowMs === HOUR_MS ? "hour" : `${windowMs / HOUR_MS} hours`;
  return `${Math.round(windowMs / 1000)} s`;
}

/**
 * providers.md: 202 Link; rate limits per product (accounts 1/h, transactions 1/h, account_numbers
 * 1/day, identity 1/day) on the emulator clock → 429 naming the product. A request with any limited
 * product refreshes nothing. Each product then reports its refresh states by webhook.
 */
function refreshProducts(api: MoneyKitApi, id: string, req: EmuRequest): EmuResponse {
  const products = productList(jsonObject(req).products);
  const link = api.links.live(id);
  if (link.state !== "connected")
    throw mkError(
      400,
      "link_error.bad_state",
      `Link is ${link.state}; only a connected link can be refreshed.`,
    );
  const now = api.now();
  const nowMs = now.getTime();
  for (const product of products) {
    const last = link.lastRefreshAt.get(product);
    const windowMs = api.productRateLimitsMs[product];
    if (last !== undefined && nowMs - last < windowMs) {
      const retryS = Math.ceil((last + windowMs - nowMs) / 1000);
      throw mkError(
        429,
        "api_error.rate_limit_exceeded",
        `Rate limit exceeded for product ${product}: 1 refresh per ${per(windowMs)}; retry in ${retryS} s.`,
        { "retry-after": String(retryS) },
      );
    }
  }
  for (const product of products) {
    link.lastRefreshAt.set(product, nowMs);
    link.products.set(product, { ...link.products.get(product), last_attempted_at: now.toISOString() });
  }
  const accepted = linkJson(link); // the 202 shows the refresh attempted, not yet finished
  const final = api.productRefreshStates.at(-1);
  for (const product of products) {
    const status = link.products.get(product) ?? {};
    if (final === "failed") {
      status.error_code = "unknown";
      status.error_message = "The institution did not answer (emulated failure).";
    } else if (final === "completed") {
      status.refreshed_at = now.toISOString();
      delete status.error_code;
      delete status.error_message;
      link.lastSyncedAt = now;
    }
    link.products.set(product, status);
    if (link.webhook === undefined) continue;
    for (const state of api.productRefreshStates) {
      api.webhooks.send({ url: link.webhook, linkId: link.id, linkTags: link.tags }, "link.product_refresh", {
        product,
        state,
        state_changed_at: now.toISOString(),
        ...(state === "failed" && { error_message: "The institution did not answer (emulated failure)." }),
      });
    }
  }
  return { status: 202, body: accepted };
}

/** providers.md: `POST /webhooks/test/link/{id}`, sandbox links only. */
function testWebhook(api: MoneyKitApi, id: string, req: EmuRequest): EmuResponse {
  const body = jsonObject(req);
  const raw = body.webhook_event;
  const event = typeof raw === "string" ? (MONEYKIT_EVENT_ALIASES[raw] ?? raw) : undefined;
  if (event === undefined || !isMoneyKitEvent(event))
    throw invalid(`Request validation error: webhook_event must be one of ${MONEYKIT_EVENTS.join(", ")}.`);
  const idempotencyKey = optionalString(body, "webhook_idempotency_key");
  const link = api.links.live(id);
  if (!link.sandbox)
    throw mkError(403, "link_error.forbidden_action", "Test webhooks can only be sent for sandbox links.");
  if (link.webhook === undefined)
    throw mkError(400, "link_error.bad_config", "Link has no webhook URL configured.");
  if (api.testWebhookLimit) {
    const { count, windowMs } = api.testWebhookLimit;
    const nowMs = api.now().getTime();
    const recent = link.testWebhookTimes.filter((t) => nowMs - t < windowMs);
    if (recent.length >= count)
      throw mkError(
        429,
        "api_error.rate_limit_exceeded",
        `Rate limit exceeded for test webhooks: ${count} per ${per(windowMs)}.`,
      );
    link.testWebhookTimes.splice(0, link.testWebhookTimes.length, ...recent, nowMs);
  }
  const target = { url: link.webhook, linkId: link.id, linkTags: link.tags };
  const at = api.now();
  const sent =
    event === "link.state_changed"
      ? api.webhooks.send(target, event, { state: link.state }, idempotencyKey)
      : event === "link.product_refresh"
        ? api.webhooks.send(target, event, MONEYKIT_SAMPLE_FIELDS[event](at), idempotencyKey)
        : api.webhooks.send(target, event, MONEYKIT_SAMPLE_FIELDS[event](at), idempotencyKey);
  return { status: 200, body: { delivery_token: sent.deliveryToken } };
}
