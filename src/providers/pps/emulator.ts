/**
 * PointServices (PitchPoint Solutions) emulator, on 127.0.0.1 only.
 *
 * Served (error bodies are problem details, `application/problem+json` — inferred, providers.md gives none):
 *   GET    /securetoken/{projectId}/.well-known/openid-configuration
 *            200 {issuer, jwks_uri, id_token_signing_alg_values_supported:["RS256"], …}; 404 other project
 *   GET    /service_accounts/v1/jwk/securetoken@system.gserviceaccount.com
 *            200 {keys:[RS256 JWKs with kid]}: the signing key and the one before it
 *   POST   /webhooks/test          the documented test-webhook endpoint (its real URL is a placeholder in
 *            the docs). Bearer PPS_API_TOKEN; caller's X-Pps-Topic / -Sub-Topic / -Tenant-Id (and any other
 *            X-Pps-* header) are forwarded; body {"address":"http(s)://…","testData":{…}} → posts testData
 *            as compact JSON to address, once, with a fresh JWT, a new X-Pps-Webhook-Id and
 *            X-Pps-Triggered-At. 200 {webhookId,address,topic,subTopic,tenantId,triggeredAt,statusCode,
 *            succeeded,error} (inferred shape: the receiver's status); 401 missing/unknown/expired bearer;
 *            400 body not JSON, address not http(s), testData not an object.
 * Emulator-only (PointServices has no public registration API; a representative sets subscriptions up):
 *   POST   /_emulator/subscriptions       {"url","topics":["orders/placed",…],"subTopics"?,"tenantId"}
 *            201 subscription {id (UUID),url,topics,subTopics|null,tenantId,createdAt}; 400 invalid field
 *   GET    /_emulator/subscriptions       200 {subscriptions:[…]}
 *   GET    /_emulator/subscriptions/{id}  200 subscription; 404
 *   DELETE /_emulator/subscriptions/{id}  204; 404
 *   POST   /_emulator/events              {"topic","subTopic"?,"tenantId"?,"data"?} → 202 {topic,subTopic,
 *            deliveries:[{subscriptionId,url,tenantId,webhookId,triggeredAt}]}: a sample (or `data`) is
 *            delivered to every subscription to the topic (of that tenant, when given) whose sub-topic
 *            filter admits it, retried per the policy; 400 bad topic, or an unknown topic without data
 *   POST   /_emulator/rotate-keys         200 {kid,previousKid,published}: a new key signs from now on
 *   POST   /_emulator/api-tokens          201 {token,tokenType,expiresIn}: another test-webhook bearer
 *   POST   /_emulator/expire-tokens       200 {expired:n}: every bearer is expired on the emulator clock
 *   GET    /_emulator/deliveries          200 {deliveries:[attempt records, Authorization redacted]}
 * Anything else: 404, or 405 for a known path with another method.
 */
import { DeliveryEngine } from "../../emulators/delivery-engine.js";
import { Router, serveRouter } from "../../emulators/router.js";
import {
  type EmulatorOptions,
  type RunningEmulator,
  runningEmulator,
  type StartEmulator,
} from "../../emulators/types.js";
import { ApiTokens } from "./emulator/api-tokens.js";
import { PPS_DEFAULT_RETRY_OFFSETS_MS, ppsRetryPolicy } from "./emulator/dispatch.js";
import { PpsIssuer, randomProjectId } from "./emulator/issuer.js";
import { registerPpsRoutes, routerProblem } from "./emulator/routes.js";
import { SubscriptionStore } from "./emulator/subscriptions.js";
import { PPS_SAMPLE_TENANT } from "./outbound.js";

export interface PpsEmulatorOptions extends EmulatorOptions {
  /**
   * When each attempt is due, ms after the first. The real schedule is unknown (providers.md); default
   * PPS_DEFAULT_RETRY_OFFSETS_MS: exponential from 1 min within 24 h (11 attempts).
   */
  readonly retryOffsetsMs?: readonly number[];
  /** The Firebase-style project id: the tokens' `aud` and the issuer path. Default `pps-emulator-NNNNNN`. */
  readonly projectId?: string;
  /** Tenant for test-webhook calls without X-Pps-Tenant-Id. Default `OU1243` (the guide's example). */
  readonly tenantId?: string;
  /** Lifetime of test-webhook bearer tokens; undocumented, default 24 h. */
  readonly apiTokenTtlS?: number;
}

export interface PpsRunningEmulator extends RunningEmulator {
  /** `{url}/securetoken/{projectId}`: the `iss` of every token. */
  readonly issuer: string;
  /** The project id: the `aud` of every token. */
  readonly audience: string;
}

export const startPpsEmulator = (async (options: PpsEmulatorOptions = {}): Promise<PpsRunningEmulator> => {
  const now = options.now ?? (() => new Date());
  const engine = new DeliveryEngine({ timeScale: options.timeScale ?? 1, now });
  const router = new Router(routerProblem);
  const server = await serveRouter(router, options.port ?? 0);
  let issuer: PpsIssuer;
  try {
    // The issuer URL contains the port, so the key and routes come once the server listens.
    issuer = await PpsIssuer.create(server.url, options.projectId ?? randomProjectId());
  } catch (error) {
    await server.close();
    throw error;
  }
  const tokens = new ApiTokens(now, options.apiTokenTtlS ?? 86_400);
  registerPpsRoutes(router, {
    issuer,
    tokens,
    subscriptions: new SubscriptionStore(now),
    engine,
    now,
    policy: ppsRetryPolicy(options.retryOffsetsMs ?? PPS_DEFAULT_RETRY_OFFSETS_MS),
    // The test endpoint answers with the receiver's status, so it sends exactly once.
    testPolicy: ppsRetryPolicy([0]),
    defaultTenantId: options.tenantId ?? PPS_SAMPLE_TENANT,
  });
  const apiToken = tokens.issue().token;

  return runningEmulator(
    "pps",
    server,
    engine,
    {
      // Trust exactly this issuer, for this audience; PPS_JWKS_URL stays unset so discovery is exercised.
      PPS_TRUSTED_ISSUERS: `${issuer.issuer}=${issuer.audience}`,
      PPS_TEST_URL: `${server.url}/webhooks/test`,
      PPS_API_TOKEN: apiToken,
    },
    { issuer: issuer.issuer, audience: issuer.audience },
  );
}) satisfies StartEmulator;
