/**
 * Kopo Kopo (K2 Connect) emulator on 127.0.0.1.
 *
 * Served (providers.md, Kopo Kopo; seed 001; the official SDKs):
 *   POST /oauth/token                         client_id, client_secret, grant_type=client_credentials
 *        (form, JSON or HTTP Basic) → 200 {"token_type":"Bearer","expires_in":3600,"access_token","created_at"};
 *        401 invalid_client / 400 invalid_request, unsupported_grant_type (Doorkeeper bodies)
 *   POST /oauth/revoke, /oauth/introspect     client_id, client_secret, token (form or JSON; emulator/oauth.ts)
 *        → 200 {} (RFC 7009; the token then gets 401 everywhere) / 200 {"active",scope,client_id,token_type,exp,iat}
 *        or {"active":false} (RFC 7662); 401 invalid_client
 *   GET  /oauth/token/info                    Bearer → {"resource_owner_id","scope","expires_in","application":{"uid"},
 *        "created_at"}; 401 invalid_token (Doorkeeper)
 *   POST /api/v2/webhook_subscriptions and /api/v1/webhook_subscriptions
 *        {event_type, url, scope:"till"|"company", scope_reference, enable_daraja_payload?}
 *        → 201, empty body, Location: <base>/api/vN/webhook_subscriptions/<uuid>;
 *        400 unknown event type, bad url/scope, till scope without scope_reference, company-only
 *        event with till scope, a till not the company's, Daraja payload on other events
 *   GET  /api/v1|v2/webhook_subscriptions/{id}, /webhook_subscriptions/{id}
 *        → {"data":{"id","type":"webhook_subscription","attributes":{event_type,webhook_uri,status,scope,scope_reference}}}; 404
 *   POST /api/v1/incoming_payments            STK push → 201 + Location; the customer "approves" at
 *        once: a buy-goods transaction on that till goes out as `buygoods_transaction_received`, and
 *        the incoming-payment result is posted to `_links.callback_url`
 *   GET  /api/v1/incoming_payments/{id}       the result (status "Success"); 404 (emulator/incoming-payment.ts)
 *   Asynchronous requests (emulator/async-requests.ts): POST → 201, empty body, Location
 *        <base>/api/v1/<collection>/<uuid>; GET <Location> (or /<collection>/{id}) → {"data":{"id","type",
 *        "attributes"}}, already final; when the request has `_links.callback_url`, that body is posted there,
 *        signed and retried like a webhook. 400 {"error_code","error_message"} on invalid fields.
 *   POST /api/v1/pay_recipients               mobile_wallet | till | paybill | bank_account (emulator/pay.ts); no callback
 *   POST /api/v1/payments                     to a pay recipient of the destination_type → "payment" result
 *   POST /api/v1/merchant_wallets, /api/v1/merchant_bank_accounts   settlement accounts (emulator/transfer.ts); no callback
 *   POST /api/v1/settlement_transfers         to one of those accounts, or blind → "settlement_transfer" result
 *   POST /api/v1/polling                      company or till scope, from_time..to_time → the till transactions
 *        received in the window (emulator/polling.ts)
 *   POST /api/v1/transaction_sms_notifications  for a buygoods_transaction_received event id (emulator/sms-notification.ts)
 *   GET  /webhook_events/{id}                 an emitted event (`_links.self`; seed 001: fetched with a
 *        client-credentials token). INFERRED shape: the delivered body.
 *   GET  /financial_transaction|transfer_batch|mobile_money_user/{id}   `_links.resource`.
 *        INFERRED shape: {"data":{"id","type","attributes":<resource>}}
 *   Every API call needs `Authorization: Bearer`: 401 {"error_code":401,"error_message":"InvalidAccessToken"|"ExpiredAccessToken"}.
 *   Other errors: {"error_code","error_message"} (emulator/errors.ts).
 *
 * Emulator-only control endpoints (no auth; loopback only):
 *   POST /_emulator/simulate/buygoods   {"till_number"?, "amount", "currency"?, "sender_phone_number"?,
 *        "sender_first_name"?, "sender_last_name"?} a customer pays the till by M-PESA →
 *        202 {"event_id","topic","deliveries":[{subscription_id,url}]}; 400 bad amount or till
 *   POST /_emulator/events              {"event_type"|"event","till_number"?} emits any till or company event
 *        with a realistic resource → 202 (same shape); 400 unknown type
 *   POST /_emulator/expire-tokens       expires every issued token → {"expired":n}
 *   GET  /_emulator/subscriptions       the subscriptions
 *   GET  /_emulator/deliveries          every delivery attempt (status, outcome, headers, body)
 *
 * Deliveries (webhooks and the asynchronous requests' results alike): compact JSON,
 * `X-KopoKopo-Signature` = hex HMAC-SHA256 of the body keyed with the API key (signKopoKopo). Retry policy: UNKNOWN — `retryOffsetsMs` (default
 * KOPOKOPO_DEFAULT_RETRY_OFFSETS_MS); any 2xx ends the job; retries resend the same bytes.
 */

import { randomBytes, randomInt } from "node:crypto";
import { DeliveryEngine, is2xx, type RetryPolicy, SCHEDULES } from "../../emulators/delivery-engine.js";
import { generateClientCredentials } from "../../emulators/oauth-client-credentials.js";
import { Router, serveRouter } from "../../emulators/router.js";
import {
  type EmulatorOptions,
  type RunningEmulator,
  runningEmulator,
  type StartEmulator,
} from "../../emulators/types.js";
import { addAsyncRequest } from "./emulator/async-requests.js";
import { KopoKopoCompany, subscriptionBody } from "./emulator/company.js";
import { addControlRoutes } from "./emulator/control.js";
import { apiError, requireToken } from "./emulator/errors.js";
import { incomingPaymentKind } from "./emulator/incoming-payment.js";
import { addOAuthRoutes } from "./emulator/oauth.js";
import { payKinds } from "./emulator/pay.js";
import { pollingKind } from "./emulator/polling.js";
import { parseSubscription, readJson } from "./emulator/requests.js";
import { smsNotificationKind } from "./emulator/sms-notification.js";
import { KopoKopoTokens } from "./emulator/tokens.js";
import { transferKinds } from "./emulator/transfer.js";

/** GUESS (retry policy unknown): 1 min, 5 min, 15 min and 1 h after the first attempt. */
export const KOPOKOPO_DEFAULT_RETRY_OFFSETS_MS: readonly number[] = [
  0,
  SCHEDULES.MIN,
  5 * SCHEDULES.MIN,
  15 * SCHEDULES.MIN,
  SCHEDULES.HOUR,
];

export interface KopoKopoEmulatorOptions extends EmulatorOptions {
  /** The company's tills; the first is KOPOKOPO_TILL_NUMBER (one random 6-digit till by default). */
  readonly tillNumbers?: readonly string[];
  /** Access-token lifetime, seconds (developer guide: 3600). */
  readonly tokenTtlS?: number;
  /** Delivery attempt offsets, ms after the first (first must be 0); length = max attempts. */
  readonly retryOffsetsMs?: readonly number[];
}

export const startKopoKopoEmulator = (async (
  options: KopoKopoEmulatorOptions = {},
): Promise<RunningEmulator> => {
  const now = options.now ?? (() => new Date());
  const engine = new DeliveryEngine({ timeScale: options.timeScale ?? 1, now });
  const tokens = new KopoKopoTokens(now, options.tokenTtlS ?? 3600);
  const client = generateClientCredentials();
  const apiKey = randomBytes(20).toString("hex");
  const tills = options.tillNumbers?.length ? options.tillNumbers : [String(randomInt(100_000, 999_999))];
  const policy: RetryPolicy = {
    offsetsMs: options.retryOffsetsMs ?? KOPOKOPO_DEFAULT_RETRY_OFFSETS_MS,
    isSuccess: is2xx,
  };

  const router = new Router((status, message) => ({ error_code: status, error_message: message }));
  // The server must listen before the company knows the base URL its `_links` point at.
  const server = await serveRouter(router, options.port ?? 0);
  const base = server.url;
  const company = new KopoKopoCompany(tills, base, apiKey, engine, policy, now);

  addOAuthRoutes(router, tokens, client, now);

  for (const version of ["v1", "v2"]) {
    router.on("POST", `/api/${version}/webhook_subscriptions`, (req) => {
      requireToken(req, tokens);
      const sub = company.subscribe(parseSubscription(readJson(req), company));
      return { status: 201, headers: { location: `${base}/api/${version}/webhook_subscriptions/${sub.id}` } };
    });
  }
  for (const path of [
    "/api/v1/webhook_subscriptions/:id",
    "/api/v2/webhook_subscriptions/:id",
    "/webhook_subscriptions/:id",
  ]) {
    router.on("GET", path, (req) => {
      requireToken(req, tokens);
      const sub = company.subscriptions.get(req.params.id ?? "");
      if (!sub) throw apiError(404, "Webhook subscription not found");
      return { status: 200, body: subscriptionBody(sub) };
    });
  }

  router.on("GET", "/webhook_events/:id", (req) => {
    requireToken(req, tokens);
    const event = company.events.get(req.params.id ?? "");
    if (!event) throw apiError(404, "Webhook event not found");
    return { status: 200, body: event };
  });
  for (const collection of ["financial_transaction", "transfer_batch", "mobile_money_user"]) {
    router.on("GET", `/${collection}/:id`, (req) => {
      requireToken(req, tokens);
      const found = company.resources.get(req.params.id ?? "");
      if (!found || found.collection !== collection) throw apiError(404, "Resource not found");
      return {
        status: 200,
        body: { data: { id: req.params.id, type: collection, attributes: found.resource } },
      };
    });
  }

  const asyncCtx = { router, tokens, company, baseUrl: base };
  addAsyncRequest(asyncCtx, incomingPaymentKind(company, now));
  const [payRecipients, outgoingPayments] = payKinds(now);
  const [merchantWallets, merchantBankAccounts, settlements] = transferKinds(company, now);
  addAsyncRequest(asyncCtx, payRecipients);
  addAsyncRequest(asyncCtx, outgoingPayments);
  addAsyncRequest(asyncCtx, merchantWallets);
  addAsyncRequest(asyncCtx, merchantBankAccounts);
  addAsyncRequest(asyncCtx, settlements);
  addAsyncRequest(asyncCtx, pollingKind(company));
  addAsyncRequest(asyncCtx, smsNotificationKind(company));

  addControlRoutes(router, company, tokens, engine);

  return runningEmulator("kopokopo", server, engine, {
    KOPOKOPO_API_URL: base,
    KOPOKOPO_CLIENT_ID: client.clientId,
    KOPOKOPO_CLIENT_SECRET: client.clientSecret,
    KOPOKOPO_API_KEY: apiKey,
    KOPOKOPO_TILL_NUMBER: tills[0] ?? "",
  });
}) satisfies StartEmulator;
