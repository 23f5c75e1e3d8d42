import { requireHttpUrl } from "../../../api/client-credentials.js";
import { ApiError } from "../../../api/http.js";
import type { ApiContext, RegisterInput, RegisterOutcome } from "../../../api/types.js";
import { isRecord } from "../../../core/json-body.js";
import { configError, usageError } from "../../../errors.js";
import { KOPOKOPO_COMPANY_EVENTS, KOPOKOPO_TILL_EVENTS } from "../info.js";
import { isKopoKopoEvent, isTillEvent, type KopoKopoEvent } from "../samples.js";
import { type KopoKopoClient, kopokopoClient } from "./client.js";

/**
 * Webhook subscriptions (providers.md, Kopo Kopo): `POST /api/v2/webhook_subscriptions`, and the
 * `/api/v1/` path older SDKs and docs use when v2 is not there; 201 with an empty body and a Location
 * header; `GET <Location>` reads it back.
 */

type Scope = "till" | "company";

const SUBSCRIBE_HINTS = {
  400: "Kopo Kopo refused the subscription: check --event, --scope, the till number and --url",
  403: "these credentials may not manage webhook subscriptions (is the application allowed webhooks?)",
};

function events(given: readonly string[] | undefined): KopoKopoEvent[] {
  const names = given !== undefined && given.length > 0 ? given : ["buygoods_transaction_received"];
  const out: KopoKopoEvent[] = [];
  for (const raw of names) {
    const name = raw.trim().toLowerCase();
    if (!isKopoKopoEvent(name))
      throw usageError(
        `unknown Kopo Kopo event type "${raw}"`,
        `till events: ${KOPOKOPO_TILL_EVENTS.join(", ")}; company events: ${KOPOKOPO_COMPANY_EVENTS.join(", ")}`,
      );
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

/** --scope, else the event's own: till for till events, company for company events. */
function scopeFor(event: KopoKopoEvent, given: string | undefined): Scope {
  if (given === undefined || given === "") return isTillEvent(event) ? "till" : "company";
  const scope = given.trim().toLowerCase();
  if (scope !== "till" && scope !== "company")
    throw usageError(`--scope must be till or company, got "${given}"`);
  if (scope === "till" && !isTillEvent(event))
    throw usageError(
      `${event} is a company event: it cannot be scoped to one till`,
      "leave out --scope, or use --scope company",
    );
  return scope;
}

export async function register(input: RegisterInput, ctx: ApiContext): Promise<RegisterOutcome> {
  if (input.status !== undefined) return readStatus(input.status, ctx);
  const url = requireHttpUrl(input.url, "--url", "register --provider kopokopo");
  const plan = events(input.events).map((event) => ({ event, scope: scopeFor(event, input.scope) }));
  const client = kopokopoClient(ctx, "Kopo Kopo register");
  const till = input.till?.trim() || ctx.env.KOPOKOPO_TILL_NUMBER?.trim() || undefined;
  if (till === undefined && plan.some((p) => p.scope === "till"))
    throw configError(
      "a till-scoped Kopo Kopo subscription needs a till number: pass --till or set KOPOKOPO_TILL_NUMBER",
      "the till number is on your Kopo Kopo dashboard (the sandbox gives one with the application)",
    );
  let version: "v2" | "v1" = "v2";
  const created: { event: KopoKopoEvent; scope: Scope; location: string | null }[] = [];
  for (const { event, scope } of plan) {
    const body = {
      event_type: event,
      url,
      scope,
      ...(scope === "till" ? { scope_reference: till } : {}),
    };
    ctx.say(`Kopo Kopo: subscribing ${url} to ${event} (${scope}${scope === "till" ? ` ${till}` : ""})`);
    let location: string | undefined;
    try {
      location = await subscribe(client, version, body);
    } catch (error) {
      if (!(version === "v2" && error instanceof ApiError && error.status === 404))
        throw client.failure(`subscribe ${event}`, error, SUBSCRIBE_HINTS);
      // providers.md: older SDKs and docs use /api/v1/; an API without v2 answers 404.
      ctx.say("Kopo Kopo: /api/v2/webhook_subscriptions is not there (404); trying /api/v1/");
      version = "v1";
      try {
        location = await subscribe(client, version, body);
      } catch (again) {
        throw client.failure(`subscribe ${event}`, again, SUBSCRIBE_HINTS);
      }
    }
    created.push({ event, scope, location: location ? new URL(location, client.baseUrl).toString() : null });
  }
  const lines = created.map(
    (c) =>
      `Kopo Kopo created a ${c.event} subscription (${c.scope}${c.scope === "till" ? ` ${till}` : ""}) → ${url}; Location: ${c.location ?? "(none given)"}`,
  );
  lines.push(
    `API used: /api/${version}/webhook_subscriptions.`,
    "Kopo Kopo signs deliveries with your API key, not the client secret: whtool listen and verify read it from KOPOKOPO_API_KEY" +
      (ctx.env.KOPOKOPO_API_KEY
        ? " (set)."
        : " — not set yet: copy the API key from your Kopo Kopo application."),
  );
  const first = created[0]?.location;
  if (first) lines.push(`Check it: whtool register --provider kopokopo --status ${first}`);
  lines.push(
    "Next: whtool trigger buygoods --provider kopokopo (Kopo Kopo has no test endpoint: see its message).",
  );
  const locations = created.map((c) => c.location).filter((l): l is string => l !== null);
  return {
    provider: "kopokopo",
    action: "created",
    id: locations.length > 0 ? locations.join(",") : null,
    url,
    secretSaved: false,
    message: lines.join("\n"),
    details: { apiVersion: version, till: till ?? null, subscriptions: created },
  };
}

async function subscribe(
  client: KopoKopoClient,
  version: string,
  body: unknown,
): Promise<string | undefined> {
  const res = await client.request("POST", `/api/${version}/webhook_subscriptions`, body);
  return res.headers.location || undefined;
}

/**
 * `register --status LOCATION`: the subscription as Kopo Kopo holds it. LOCATION is the URL register
 * printed, a path, or a bare id. The bearer token only goes to KOPOKOPO_API_URL's own host.
 */
async function readStatus(status: string, ctx: ApiContext): Promise<RegisterOutcome> {
  const client = kopokopoClient(ctx, "Kopo Kopo register --status");
  const given = status.trim();
  if (given === "") throw usageError("--status needs the Location that register printed");
  const origin = new URL(client.baseUrl).origin;
  const absolute = /^https?:\/\//i.test(given);
  let candidates: string[];
  if (absolute) {
    if (!URL.canParse(given) || new URL(given).origin !== origin)
      throw usageError(
        `--status ${given} is not on ${origin}: whtool sends the Kopo Kopo token only to KOPOKOPO_API_URL`,
        "pass the Location that register printed, or set KOPOKOPO_API_URL to its host",
      );
    candidates = [given];
  } else if (given.startsWith("/")) candidates = [given];
  else if (!given.includes("/"))
    // A bare subscription id: where register would have put it, v2 first (as register tries).
    candidates = ["v2", "v1"].map((v) => `/api/${v}/webhook_subscriptions/${encodeURIComponent(given)}`);
  else throw usageError(`--status must be the Location URL register printed, got "${given}"`);
  let res: Awaited<ReturnType<KopoKopoClient["request"]>> | undefined;
  let location = given;
  for (const [i, candidate] of candidates.entries()) {
    // A path is appended to KOPOKOPO_API_URL (which may carry a prefix), as every other call is.
    location = absolute ? candidate : `${client.baseUrl}${candidate}`;
    try {
      res = await client.request("GET", candidate);
      break;
    } catch (error) {
      const more = i + 1 < candidates.length && error instanceof ApiError && error.status === 404;
      if (!more)
        throw client.failure("read subscription", error, {
          404: "no such subscription for these credentials: check the Location register printed",
        });
    }
  }
  const data = isRecord(res?.body) && isRecord(res.body.data) ? res.body.data : {};
  const attributes = isRecord(data.attributes) ? data.attributes : {};
  const text = (key: string) => {
    const value = attributes[key];
    return typeof value === "string" || typeof value === "number" ? String(value) : null;
  };
  const scope = text("scope");
  const webhookUri = text("webhook_uri");
  return {
    provider: "kopokopo",
    action: "read",
    id: location,
    url: webhookUri,
    secretSaved: false,
    message: [
      `Kopo Kopo subscription ${location}:`,
      `  event type: ${text("event_type") ?? "?"}, status: ${text("status") ?? "?"}`,
      `  url: ${webhookUri ?? "?"}`,
      `  scope: ${scope ?? "?"}${scope === "till" ? ` ${text("scope_reference") ?? "?"}` : ""}`,
    ].join("\n"),
    details: { id: typeof data.id === "string" ? data.id : null, ...attributes },
  };
}
