// The organisation's webhooks (providers.md, Dfns: create/list/get/update/delete; 5 per organisation).

import { randomBytes } from "node:crypto";
import { isHttpUrl } from "../../../emulators/types.js";
import { DFNS_EVENTS } from "../info.js";
import { dfnsId } from "../samples.js";
import { badRequest, dfnsError } from "./errors.js";

export type WebhookStatus = "Enabled" | "Disabled";

export interface Webhook {
  readonly id: string;
  url: string;
  events: string[];
  status: WebhookStatus;
  description?: string;
  readonly dateCreated: string;
  dateUpdated: string;
  /** `whs-…`: shown once, in the create response. */
  readonly secret: string;
}

export type PublicWebhook = Omit<Webhook, "secret">;

interface WebhookFields {
  url?: string;
  events?: string[];
  status?: WebhookStatus;
  description?: string;
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A secret like the create-webhook docs show: `whs-` and 32 letters and digits. */
function webhookSecret(): string {
  return `whs-${[...randomBytes(32)].map((b) => ALNUM[b % ALNUM.length] ?? "A").join("")}`;
}

/** Validates the fields of a create (all required but status and description) or update (all optional) body. */
export function parseWebhookFields(body: Record<string, unknown>, mode: "create" | "update"): WebhookFields {
  const fields: WebhookFields = {};
  const { url, events, status, description } = body;
  if (url !== undefined || mode === "create") {
    if (typeof url !== "string" || !isHttpUrl(url)) throw badRequest("url must be a valid http or https URL");
    fields.url = url;
  }
  if (events !== undefined || mode === "create") {
    if (!Array.isArray(events) || events.length === 0)
      throw badRequest('events must be a non-empty list of event kinds (or ["*"])');
    for (const kind of events)
      if (typeof kind !== "string" || (kind !== "*" && !DFNS_EVENTS.includes(kind)))
        throw badRequest(`events: ${JSON.stringify(kind)} is not a webhook event kind`);
    fields.events = [...new Set(events as string[])];
  }
  if (status !== undefined) {
    if (status !== "Enabled" && status !== "Disabled")
      throw badRequest('status must be "Enabled" or "Disabled"');
    fields.status = status;
  }
  if (description !== undefined) {
    if (typeof description !== "string") throw badRequest("description must be a string");
    fields.description = description;
  }
  return fields;
}

export class WebhookStore {
  readonly #hooks = new Map<string, Webhook>();

  constructor(
    private readonly now: () => Date,
    private readonly limit: number,
  ) {}

  create(fields: WebhookFields): Webhook {
    // The limit's error status and wording are not documented: 400, like Dfns' other refusals of a valid-looking request.
    if (this.#hooks.size >= this.limit)
      throw badRequest(`Webhook limit reached: an organization can have at most ${this.limit} webhooks`);
    const at = this.now().toISOString();
    const hook: Webhook = {
      id: dfnsId("wh"),
      url: fields.url ?? "",
      events: fields.events ?? [],
      status: fields.status ?? "Enabled",
      ...(fields.description === undefined ? {} : { description: fields.description }),
      dateCreated: at,
      dateUpdated: at,
      secret: webhookSecret(),
    };
    this.#hooks.set(hook.id, hook);
    return hook;
  }

  find(id: string): Webhook | undefined {
    return this.#hooks.get(id);
  }

  /** The webhook, or Dfns' 404. */
  get(id: string): Webhook {
    const hook = this.#hooks.get(id);
    if (!hook) throw dfnsError(404, `Webhook ${id} not found`);
    return hook;
  }

  update(id: string, fields: WebhookFields): Webhook {
    const hook = this.get(id);
    if (fields.url !== undefined) hook.url = fields.url;
    if (fields.events !== undefined) hook.events = fields.events;
    if (fields.status !== undefined) hook.status = fields.status;
    if (fields.description !== undefined) hook.description = fields.description;
    hook.dateUpdated = this.now().toISOString();
    return hook;
  }

  delete(id: string): void {
    this.get(id);
    this.#hooks.delete(id);
  }

  all(): Webhook[] {
    return [...this.#hooks.values()];
  }

  /** Enabled webhooks subscribed to a kind, directly or with "*". */
  subscribers(kind: string): Webhook[] {
    return this.all().filter(
      (h) => h.status === "Enabled" && (h.events.includes("*") || h.events.includes(kind)),
    );
  }
}

/** The webhook as every response but create's shows it: without its secret. */
export function publicWebhook({ secret: _secret, ...rest }: Webhook): PublicWebhook {
  return rest;
}
