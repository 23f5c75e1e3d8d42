import { randomInt, randomUUID } from "node:crypto";
import { utf8 } from "../../../core/bytes.js";
import type { HeaderPair } from "../../../core/delivery.js";
import { isRecord } from "../../../core/json-body.js";
import type { AttemptRecord, DeliveryEngine, RetryPolicy } from "../../../emulators/delivery-engine.js";
import type { EmuRequest, EmuResponse, Router } from "../../../emulators/router.js";
import { defaultSubTopic, isPpsTopic } from "../samples.js";
import { formatTriggeredAt } from "../sign.js";
import type { ApiTokens } from "./api-tokens.js";
import { envelopesFor, extraPpsHeaders, startDelivery } from "./dispatch.js";
import { JWKS_PATH, type PpsIssuer } from "./issuer.js";
import { httpUrl, invalid, problem, problemBody, readJsonObject } from "./problem.js";
import { nonEmptyString, type SubscriptionStore, TOPIC } from "./subscriptions.js";

export interface PpsRouteDeps {
  readonly issuer: PpsIssuer;
  readonly tokens: ApiTokens;
  readonly subscriptions: SubscriptionStore;
  readonly engine: DeliveryEngine;
  readonly now: () => Date;
  /** For deliveries to subscriptions (retried on the schedule). */
  readonly policy: RetryPolicy;
  /** For the test-webhook endpoint: one attempt, whose result it answers with. */
  readonly testPolicy: RetryPolicy;
  readonly defaultTenantId: string;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): EmuResponse => ({
  status,
  body,
  headers,
});

function header(req: EmuRequest, name: string): string | undefined {
  const value = req.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first.trim() === "" ? undefined : first.trim();
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  return nonEmptyString(value, field);
}

/** Attempt records as `GET /_emulator/deliveries` shows them: the bearer JWT is a credential, so it is redacted. */
export function redactAttempt(record: AttemptRecord) {
  const headers: HeaderPair[] = record.headers.map(([name, value]) =>
    name.toLowerCase() === "authorization" ? [name, "Bearer [redacted]"] : [name, value],
  );
  return { ...record, headers };
}

export function registerPpsRoutes(router: Router, deps: PpsRouteDeps): void {
  const { issuer, tokens, subscriptions, engine, now } = deps;

  // --- the OIDC issuer (public, no auth), shaped like Google's securetoken issuer
  router.on("GET", "/securetoken/:project/.well-known/openid-configuration", (req) => {
    if (req.params.project !== issuer.audience)
      throw problem(404, `No issuer for project "${req.params.project ?? ""}".`);
    return json(200, issuer.discovery(), { "cache-control": "public, max-age=3600" });
  });
  router.on("GET", JWKS_PATH, () => json(200, issuer.jwks(), { "cache-control": "public, max-age=3600" }));

  // --- the documented test-webhook endpoint: posts testData verbatim (compact) to address, once
  router.on("POST", "/webhooks/test", async (req) => {
    tokens.authorize(req);
    const body = readJsonObject(req);
    const address = httpUrl(body.address);
    if (address === undefined) throw invalid("address", "The address field must be an absolute http(s) URL.");
    if (!isRecord(body.testData)) throw invalid("testData", "The testData field must be a JSON object.");
    const at = now();
    const subTopic = header(req, "x-pps-sub-topic");
    const envelope = {
      // The caller's X-Pps-* values where given; defaults are the emulator's (inferred).
      topic: header(req, "x-pps-topic") ?? "orders/placed",
      ...(subTopic === undefined ? {} : { subTopic }),
      tenantId: header(req, "x-pps-tenant-id") ?? deps.defaultTenantId,
      webhookId: randomUUID(),
      triggeredAt: formatTriggeredAt(at, randomInt(10_000)),
      body: utf8(JSON.stringify(body.testData)),
      extraHeaders: extraPpsHeaders(req.headers),
    };
    const attempt = await startDelivery(engine, issuer, now, address, deps.testPolicy, envelope);
    // Inferred response shape (the docs show none): what was sent and the receiver's answer.
    return json(200, {
      webhookId: envelope.webhookId,
      address,
      topic: envelope.topic,
      subTopic: envelope.subTopic ?? null,
      tenantId: envelope.tenantId,
      triggeredAt: envelope.triggeredAt,
      statusCode: attempt.status,
      succeeded: attempt.outcome === "delivered",
      error: attempt.error,
    });
  });

  // --- emulator-only: what the account representative would register
  router.on("POST", "/_emulator/subscriptions", (req) => json(201, subscriptions.add(readJsonObject(req))));
  router.on("GET", "/_emulator/subscriptions", () => json(200, { subscriptions: subscriptions.list() }));
  router.on("GET", "/_emulator/subscriptions/:id", (req) => {
    const found = subscriptions.list().find((s) => s.id === req.params.id);
    if (!found) throw problem(404, `Subscription ${req.params.id ?? ""} was not found.`);
    return json(200, found);
  });
  router.on("DELETE", "/_emulator/subscriptions/:id", (req) => {
    if (!subscriptions.remove(req.params.id ?? ""))
      throw problem(404, `Subscription ${req.params.id ?? ""} was not found.`);
    return { status: 204 };
  });

  // --- emulator-only: an event happens; every matching subscription gets it (with retries)
  router.on("POST", "/_emulator/events", (req) => {
    const body = readJsonObject(req);
    const topic = nonEmptyString(body.topic, "topic");
    if (!TOPIC.test(topic))
      throw invalid("topic", `The topic "${topic}" is not of the form "orders/placed".`);
    if (!isPpsTopic(topic) && body.data === undefined)
      throw invalid("data", `There is no sample for topic "${topic}": pass the event body as data.`);
    // A known topic without a sub-topic gets its sample's default, before matching subscriptions' filters.
    const subTopic =
      optionalString(body.subTopic, "subTopic") ?? (isPpsTopic(topic) ? defaultSubTopic(topic) : undefined);
    const tenantId = optionalString(body.tenantId, "tenantId");
    const event = {
      topic,
      ...(subTopic === undefined ? {} : { subTopic }),
      ...(tenantId === undefined ? {} : { tenantId }),
      ...(body.data === undefined ? {} : { data: body.data }),
    };
    const planned = envelopesFor(event, subscriptions.matching(event), now());
    for (const { subscription, envelope } of planned)
      void startDelivery(engine, issuer, now, subscription.url, deps.policy, envelope).catch(() => undefined);
    return json(202, {
      topic,
      subTopic: subTopic ?? null,
      deliveries: planned.map(({ subscription, envelope }) => ({
        subscriptionId: subscription.id,
        url: subscription.url,
        tenantId: envelope.tenantId,
        webhookId: envelope.webhookId,
        triggeredAt: envelope.triggeredAt,
      })),
    });
  });

  // --- emulator-only controls
  router.on("POST", "/_emulator/rotate-keys", async () => json(200, await issuer.rotate()));
  router.on("POST", "/_emulator/api-tokens", () => {
    const { token, expiresIn } = tokens.issue();
    return json(201, { token, tokenType: "Bearer", expiresIn });
  });
  router.on("POST", "/_emulator/expire-tokens", () => json(200, { expired: tokens.expireAll() }));
  router.on("GET", "/_emulator/deliveries", () =>
    json(200, { deliveries: engine.attempts.map(redactAttempt) }),
  );
}

/** Body for the router's own answers (404, 405, 413, 500), in the same problem shape. */
export function routerProblem(
  status: number,
  message: string,
  req: { method: string; path: string },
): unknown {
  return problemBody(status, `${req.method} ${req.path}: ${message}.`);
}
