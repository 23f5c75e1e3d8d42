/**
 * Dfns API emulator: the webhooks API and the user-action signing flow, on loopback, speaking the
 * protocol @dfns/sdk 0.8.21 (DfnsApiClient + whtool's KeySigner) speaks. providers.md (Dfns) is the spec.
 *
 * Dfns endpoints (every one needs `Authorization: Bearer <DFNS_AUTH_TOKEN>`, else 401):
 *   POST   /auth/action/init               user-action challenge (400 malformed)
 *   POST   /auth/action                    verifies the Key assertion → {userAction} (400 bad challenge,
 *                                          401 unknown credential; a failing signature/clientData → 401 by default)
 *   POST   /webhooks                       ★ create → 200 webhook + secret (400 invalid or 6th webhook)
 *   GET    /webhooks?limit&paginationToken → {items, nextPageToken?}
 *   GET    /webhooks/:id                   webhook without secret (404 unknown)
 *   PUT    /webhooks/:id                   ★ update → webhook (400, 404)
 *   DELETE /webhooks/:id                   ★ → {"deleted":true} (404)
 *   POST   /webhooks/:id/ping              ★ one `ping` event → {"status":"<receiver status>","error"?} (404)
 *   GET    /webhooks/:id/events?kind&deliveryFailed&limit&paginationToken → {items, nextPageToken?}
 *   GET    /webhooks/:id/events/:eventId   one stored event (404)
 * ★ also needs X-DFNS-USERACTION for this exact method, path and body: missing or invalid → 403,
 *   reused → 400 (dfns-api-docs getting-started/errors.md). X-DFNS-APPID and X-DFNS-NONCE are accepted, not required.
 * Errors: {"error":{"message":".."}}; unknown path 404, wrong method 405.
 *
 * Emulator-only control endpoints (no auth: loopback only):
 *   POST /_emulator/events {"kind"|"event","data"?}  raise an event (sample data unless given) to every enabled
 *                                            webhook subscribed to it → {kind, date, deliveries:[{webhookId,url,eventId}]}
 *   GET  /_emulator/deliveries               every attempt the engine made (status, outcome, headers, body; no secrets)
 *   POST /_emulator/expire-tokens            expire every issued auth token now → {expired}
 *   POST /_emulator/tokens                   issue a fresh service-account token → {token}
 *
 * Deliveries: compact JSON signed with the webhook secret (signDfns), retried unless the receiver answers
 * exactly 200, at 0, 1 min, 12 min, 2 h, 1 day (scaled by timeScale); each retry a new `whe-` id with
 * deliveryAttempt + 1 and retryOf = the previous id.
 */
import { DeliveryEngine } from "../../emulators/delivery-engine.js";
import { type EmuRequest, type EmuResponse, jsonBody, Router, serveRouter } from "../../emulators/router.js";
import {
  type EmulatorOptions,
  type RunningEmulator,
  runningEmulator,
  type StartEmulator,
} from "../../emulators/types.js";
import { DfnsAuth } from "./emulator/auth.js";
import { badRequest, dfnsError, dfnsErrorBody } from "./emulator/errors.js";
import { DfnsEvents } from "./emulator/events.js";
import { paginate } from "./emulator/pagination.js";
import { parseWebhookFields, publicWebhook, WebhookStore } from "./emulator/webhooks.js";
import { DFNS_EVENTS } from "./info.js";

export interface DfnsEmulatorOptions extends EmulatorOptions {
  /** Service-account token lifetime. Not documented (Dfns service tokens are long-lived): default one year. */
  readonly tokenTtlS?: number;
  /** Lifetime of a user-action challenge and of a user-action token. Not documented: default 5 minutes. */
  readonly userActionTtlS?: number;
  /**
   * Status for a Key assertion whose signature or clientData does not verify at POST /auth/action.
   * Not documented (the SDK accepts any error status): 401 by default, 403 possible.
   */
  readonly badAssertionStatus?: 401 | 403;
  /** Webhooks per organisation (providers.md: 5 by default). */
  readonly webhookLimit?: number;
}

const YEAR_S = 365 * 24 * 3600;

export const startDfnsEmulator = (async (options: DfnsEmulatorOptions = {}): Promise<RunningEmulator> => {
  const now = options.now ?? (() => new Date());
  const engine = new DeliveryEngine({ timeScale: options.timeScale ?? 1, now });
  const auth = new DfnsAuth({
    now,
    tokenTtlS: options.tokenTtlS ?? YEAR_S,
    userActionTtlS: options.userActionTtlS ?? 300,
    badAssertionStatus: options.badAssertionStatus ?? 401,
  });
  const webhooks = new WebhookStore(now, options.webhookLimit ?? 5);
  const events = new DfnsEvents(engine, webhooks, now);
  const token = auth.issueToken();

  const parse = (req: EmuRequest) => jsonBody(req, dfnsErrorBody);
  const ok = (body: unknown): EmuResponse => ({ status: 200, body });
  /** Bearer token, and for a mutating call the user action signed for it. */
  const caller = (req: EmuRequest, mutating: boolean) => {
    const subject = auth.requireToken(req);
    if (mutating) auth.requireUserAction(req, subject);
    return subject;
  };

  const router = new Router((_status, message) => dfnsErrorBody(message))
    .on("POST", "/auth/action/init", (req) => {
      const subject = auth.requireToken(req);
      return ok(auth.initChallenge(parse(req), subject));
    })
    .on("POST", "/auth/action", (req) => {
      const subject = auth.requireToken(req);
      return ok(auth.completeChallenge(parse(req), subject));
    })
    .on("POST", "/webhooks", (req) => {
      caller(req, true);
      const hook = webhooks.create(parseWebhookFields(parse(req), "create"));
      return ok({ ...publicWebhook(hook), secret: hook.secret });
    })
    .on("GET", "/webhooks", (req) => {
      caller(req, false);
      return ok(paginate(webhooks.all().map(publicWebhook), req.query));
    })
    .on("GET", "/webhooks/:id", (req) => {
      caller(req, false);
      return ok(publicWebhook(webhooks.get(req.params.id ?? "")));
    })
    .on("PUT", "/webhooks/:id", (req) => {
      caller(req, true);
      const fields = parseWebhookFields(parse(req), "update");
      return ok(publicWebhook(webhooks.update(req.params.id ?? "", fields)));
    })
    .on("DELETE", "/webhooks/:id", (req) => {
      caller(req, true);
      const id = req.params.id ?? "";
      webhooks.delete(id);
      events.forget(id);
      return ok({ deleted: true });
    })
    .on("POST", "/webhooks/:id/ping", async (req) => {
      caller(req, true);
      const hook = webhooks.get(req.params.id ?? "");
      parse(req); // the documented body is {}
      return ok(await events.ping(hook));
    })
    .on("GET", "/webhooks/:id/events", (req) => {
      caller(req, false);
      const hook = webhooks.get(req.params.id ?? "");
      return ok(paginate(events.list(hook.id, eventFilter(req.query)), req.query));
    })
    .on("GET", "/webhooks/:id/events/:eventId", (req) => {
      caller(req, false);
      const hook = webhooks.get(req.params.id ?? "");
      const event = events.find(hook.id, req.params.eventId ?? "");
      if (!event) throw dfnsError(404, `Webhook event ${req.params.eventId ?? ""} not found`);
      return ok(event);
    })
    .on("POST", "/_emulator/events", (req) => {
      const body = parse(req);
      // `event` is the name every emulator takes (whtool trigger EVENT); `kind` is Dfns' own word.
      const { data } = body;
      const kind = body.kind ?? body.event;
      if (typeof kind !== "string" || !DFNS_EVENTS.includes(kind))
        throw badRequest(`kind must be one of the webhook event kinds: ${DFNS_EVENTS.join(", ")}`);
      if (data !== undefined && (typeof data !== "object" || data === null || Array.isArray(data)))
        throw badRequest("data, when given, must be a JSON object");
      const raised = events.raise(kind, data as Record<string, unknown> | undefined);
      return ok({ kind, ...raised });
    })
    .on("GET", "/_emulator/deliveries", () => ok({ items: engine.attempts }))
    .on("POST", "/_emulator/expire-tokens", () => ok({ expired: auth.tokens.expireAll() }))
    .on("POST", "/_emulator/tokens", () => ok({ token: auth.issueToken() }));

  const server = await serveRouter(router, options.port ?? 0);
  const running = runningEmulator("dfns", server, engine, {
    DFNS_API_URL: server.url,
    DFNS_AUTH_TOKEN: token,
    DFNS_CRED_ID: auth.credId,
    DFNS_PRIVATE_KEY: auth.privateKeyPem,
  });
  return running;
}) satisfies StartEmulator;

function eventFilter(query: URLSearchParams): { kind?: string; deliveryFailed?: boolean } {
  const kind = query.get("kind");
  const failed = query.get("deliveryFailed");
  if (kind !== null && !DFNS_EVENTS.includes(kind))
    throw badRequest(`kind: "${kind}" is not a webhook event kind`);
  if (failed !== null && failed !== "true" && failed !== "false")
    throw badRequest('deliveryFailed must be "true" or "false"');
  return {
    ...(kind === null ? {} : { kind }),
    ...(failed === null ? {} : { deliveryFailed: failed === "true" }),
  };
}
