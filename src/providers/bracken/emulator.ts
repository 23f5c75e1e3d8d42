/**
 * Bracken emulator: IdentityServer token endpoint + the webhook/user API, on 127.0.0.1.
 *
 * Served (providers.md, Bracken; seed 003):
 *   POST /connect/token                                   client credentials (form or HTTP Basic)
 *        200 {"access_token","expires_in","token_type":"Bearer","scope"};
 *        400 {"error":"invalid_client"|"invalid_request"|"unsupported_grant_type"|"invalid_scope"}
 *   PUT  /api/webhook/merge/domain/{domainkey}/event/{event}   {"target","secret","active"}
 *        create-or-update, event case-insensitive; 200 echoes the subscription (INFERRED: the seed
 *        says the response shows "the JSON payload that you have sent"); 400 unknown event or bad
 *        body; 403 another domain; 404 a non-integer domain (ASP.NET `{domainkey:int}` route)
 *   POST /api/user/create/domain/{domainkey}               {"username","password"}
 *        200 {"userKey","username","domainKey"} (INFERRED shape); 409 username taken; then
 *        `User_Create` goes to the active subscription
 *   POST /api/user/delete/domain/{domainkey}               {"username"}  (GUESS: the seed only says
 *        deleteUser.py is newUser.py with another URL; the path is the `deleteUserPath` option)
 *        200 {"userKey","username","domainKey","deleted":true}; 404 unknown user; then `User_Delete`
 *   API errors: 401 empty body + WWW-Authenticate (missing, unknown or expired token); others are
 *   ASP.NET Core ProblemDetails (see emulator/problem.ts). Unknown routes: 404/405, empty body.
 *
 * Emulator-only control endpoints (no auth; loopback only):
 *   POST /_emulator/expire-tokens      expires every issued token now → {"expired":n}
 *   POST /_emulator/events             {"event","username"?} sends any Bracken event (Module_*,
 *                                      Course_*…) for a user → 202 {"event","sent"}
 *   GET  /_emulator/subscriptions      the subscriptions, without their secrets
 *   GET  /_emulator/users              the domain's users
 *   GET  /_emulator/deliveries         every delivery attempt (status, outcome, headers, body)
 *
 * Deliveries: POST to the subscription's target, compact JSON, `Authorization: HMACSHA256 <base64>`
 * over exactly those bytes (signBracken). Payload schema: INFERRED (samples.ts). Retry policy:
 * UNKNOWN — `retryOffsetsMs` (default BRACKEN_DEFAULT_RETRY_OFFSETS_MS), any 2xx ends the job,
 * every retry repeats the same bytes.
 */

import { randomBytes, randomInt } from "node:crypto";
import { DeliveryEngine, is2xx, type RetryPolicy, SCHEDULES } from "../../emulators/delivery-engine.js";
import { generateClientCredentials, judgeTokenRequest } from "../../emulators/oauth-client-credentials.js";
import { type EmuRequest, HttpError, jsonBody, Router, serveRouter } from "../../emulators/router.js";
import { TokenStore } from "../../emulators/tokens.js";
import {
  type EmulatorOptions,
  isHttpUrl,
  type RunningEmulator,
  runningEmulator,
  type StartEmulator,
} from "../../emulators/types.js";
import { BrackenDomain } from "./emulator/domain.js";
import { problem, requireToken, tokenError, validation } from "./emulator/problem.js";
import { BRACKEN_EVENTS } from "./info.js";
import { type BrackenUser, brackenEventName, sampleBrackenUser } from "./samples.js";

/** GUESS (retry policy unknown): 1 min, 5 min and 30 min after the first attempt. */
export const BRACKEN_DEFAULT_RETRY_OFFSETS_MS: readonly number[] = [
  0,
  SCHEDULES.MIN,
  5 * SCHEDULES.MIN,
  30 * SCHEDULES.MIN,
];
/** GUESS: the delete-user endpoint is not published (seed 003: "identical to newUser.py except the url"). */
export const BRACKEN_DEFAULT_DELETE_USER_PATH = "/api/user/delete/domain/:domainkey";

export interface BrackenEmulatorOptions extends EmulatorOptions {
  /** The integer domain the generated credentials belong to (random 4-digit by default). */
  readonly domainKey?: number;
  /** Scope granted to tokens (INFERRED name; IdentityServer echoes it in `scope`). */
  readonly scope?: string;
  /** Access-token lifetime, seconds (IdentityServer's default: 3600). */
  readonly tokenTtlS?: number;
  /** Route pattern of the delete-user call (POST), `:domainkey` marking the domain segment. */
  readonly deleteUserPath?: string;
  /** Delivery attempt offsets, ms after the first (first must be 0); length = max attempts. */
  readonly retryOffsetsMs?: readonly number[];
}

export const startBrackenEmulator = (async (
  options: BrackenEmulatorOptions = {},
): Promise<RunningEmulator> => {
  const now = options.now ?? (() => new Date());
  const engine = new DeliveryEngine({ timeScale: options.timeScale ?? 1, now });
  const tokens = new TokenStore(now, options.tokenTtlS ?? 3600);
  const client = generateClientCredentials("bracken-");
  const scope = options.scope ?? "bracken.api";
  const policy: RetryPolicy = {
    offsetsMs: options.retryOffsetsMs ?? BRACKEN_DEFAULT_RETRY_OFFSETS_MS,
    isSuccess: is2xx,
  };
  const domain = new BrackenDomain(options.domainKey ?? randomInt(1000, 9999), engine, policy, now);

  // ASP.NET Core answers an unmatched route or method with an empty body.
  const router = new Router(() => undefined);

  router.on("POST", "/connect/token", (req) => {
    const outcome = judgeTokenRequest(req, client);
    if (!outcome.ok) throw tokenError(outcome.error);
    if (outcome.scope?.split(/\s+/).some((s) => s !== scope)) throw tokenError("invalid_scope");
    const { token, expiresIn } = tokens.issue(outcome.clientId, "");
    return {
      status: 200,
      headers: { "cache-control": "no-store", pragma: "no-cache" },
      body: { access_token: token, expires_in: expiresIn, token_type: "Bearer", scope },
    };
  });

  router.on("PUT", "/api/webhook/merge/domain/:domainkey/event/:event", (req) => {
    requireToken(req, tokens);
    requireDomain(req, domain.domainKey);
    const event = brackenEventName(req.params.event ?? "");
    if (event === undefined)
      throw validation({
        event: [`"${req.params.event}" is not a webhook event (${BRACKEN_EVENTS.join(", ")})`],
      });
    const body = readJson(req);
    const errors: Record<string, string[]> = {};
    const target = typeof body.target === "string" ? body.target : "";
    if (!target) errors.Target = ["The Target field is required."];
    else if (!isHttpUrl(target))
      errors.Target = ["The Target field is not a valid fully-qualified http or https URL."];
    const secret = typeof body.secret === "string" ? body.secret : "";
    if (!secret) errors.Secret = ["The Secret field is required."];
    if (typeof body.active !== "boolean") errors.Active = ["The Active field is required."];
    if (Object.keys(errors).length > 0) throw validation(errors);
    const sub = domain.merge(event, target, secret, body.active === true);
    return {
      status: 200,
      body: {
        domainKey: domain.domainKey,
        event: sub.event,
        target: sub.target,
        secret: sub.secret,
        active: sub.active,
      },
    };
  });

  router.on("POST", "/api/user/create/domain/:domainkey", (req) => {
    requireToken(req, tokens);
    requireDomain(req, domain.domainKey);
    const body = readJson(req);
    const errors: Record<string, string[]> = {};
    const username = typeof body.username === "string" ? body.username.trim() : "";
    if (!username) errors.Username = ["The Username field is required."];
    if (typeof body.password !== "string" || body.password === "")
      errors.Password = ["The Password field is required."];
    if (Object.keys(errors).length > 0) throw validation(errors);
    // ASP.NET Identity's DuplicateUserName message.
    if (domain.findUser(username)) throw problem(409, `Username '${username}' is already taken.`);
    const user = domain.addUser(username);
    domain.emit("User_Create", user);
    return {
      status: 200,
      body: { userKey: user.userKey, username: user.username, domainKey: domain.domainKey },
    };
  });

  router.on("POST", options.deleteUserPath ?? BRACKEN_DEFAULT_DELETE_USER_PATH, (req) => {
    requireToken(req, tokens);
    if (req.params.domainkey !== undefined) requireDomain(req, domain.domainKey);
    const body = readJson(req);
    const username = typeof body.username === "string" ? body.username.trim() : "";
    if (!username) throw validation({ Username: ["The Username field is required."] });
    const user = domain.findUser(username);
    if (!user) throw problem(404, `User '${username}' was not found in domain ${domain.domainKey}.`);
    domain.removeUser(user);
    domain.emit("User_Delete", user);
    return {
      status: 200,
      body: { userKey: user.userKey, username: user.username, domainKey: domain.domainKey, deleted: true },
    };
  });

  router.on("POST", "/_emulator/expire-tokens", () => ({
    status: 200,
    body: { expired: tokens.expireAll() },
  }));

  router.on("POST", "/_emulator/events", (req) => {
    const body = readJson(req);
    const event = typeof body.event === "string" ? brackenEventName(body.event) : undefined;
    if (event === undefined)
      throw validation({ event: [`event must be one of ${BRACKEN_EVENTS.join(", ")}`] });
    let user: BrackenUser | undefined;
    if (typeof body.username === "string") {
      user = domain.findUser(body.username);
      if (!user) throw problem(404, `User '${body.username}' was not found in domain ${domain.domainKey}.`);
    }
    const sent =
      domain.emit(event, user ?? [...domain.users.values()][0] ?? sampleBrackenUser()) !== undefined;
    return { status: 202, body: { event, sent } };
  });

  router.on("GET", "/_emulator/subscriptions", () => ({
    status: 200,
    body: [...domain.subscriptions.values()].map(({ secret: _secret, ...rest }) => rest),
  }));
  router.on("GET", "/_emulator/users", () => ({ status: 200, body: [...domain.users.values()] }));
  router.on("GET", "/_emulator/deliveries", () => ({ status: 200, body: engine.attempts }));

  const server = await serveRouter(router, options.port ?? 0);
  return runningEmulator("bracken", server, engine, {
    BRACKEN_IDENTITY_URL: server.url,
    BRACKEN_API_URL: server.url,
    BRACKEN_CLIENT_ID: client.clientId,
    BRACKEN_CLIENT_SECRET: client.clientSecret,
    BRACKEN_DOMAIN_KEY: String(domain.domainKey),
    // Bracken takes the secret from the subscriber (the merge call): this is one for it to use.
    BRACKEN_WEBHOOK_SECRET: randomBytes(24).toString("base64url"),
  });
}) satisfies StartEmulator;

function requireDomain(req: EmuRequest, domainKey: number): void {
  const raw = req.params.domainkey ?? "";
  // `{domainkey:int}`: a non-integer segment matches no route at all.
  if (!/^-?\d+$/.test(raw)) throw new HttpError(404, undefined);
  if (Number(raw) !== domainKey) throw problem(403, `The client is not authorised for domain ${raw}.`);
}

/** The JSON object body, or the 400 ProblemDetails System.Text.Json's binder gives (`$` = the root). */
function readJson(req: EmuRequest): Record<string, unknown> {
  try {
    return jsonBody(req, (message) => message);
  } catch {
    throw validation({ $: ["The request body must be a JSON object."] });
  }
}
