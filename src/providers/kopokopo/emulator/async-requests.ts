import { randomUUID } from "node:crypto";
import type { Router } from "../../../emulators/router.js";
import type { KopoKopoCompany } from "./company.js";
import { apiError, requireToken } from "./errors.js";
import { readJson } from "./requests.js";
import type { KopoKopoTokens } from "./tokens.js";

/**
 * Kopo Kopo's asynchronous requests, as the developer guide and every SDK use them: `POST` → 201 Created,
 * empty body, `Location: <base>/api/v1/<collection>/<id>`; `GET <Location>` → the status resource
 * `{"data":{"id","type","attributes":{…,"_links":{"callback_url","self"}}}}`; when the request named a
 * `_links.callback_url`, that same resource is posted there, signed with the API key like a webhook
 * and retried on Kopo Kopo's schedule until the receiver answers 2xx.
 *
 * The emulated account settles every request at once, so the status resource is already final.
 */
export interface AsyncRequestKind<R> {
  /** The path segment under `/api/v1/` (`payments`, `settlement_transfers`, …). */
  readonly collection: string;
  /** `GET` of an id never created: the 404 message. */
  readonly notFound: string;
  parse(body: Record<string, unknown>): R;
  /** The status resource of an accepted request. */
  resource(request: R, id: string, self: string): AsyncResource;
}

export interface AsyncResource {
  /** `data.type`, also the delivery's event name in `/_emulator/deliveries`. */
  readonly type: string;
  readonly body: { readonly data: Record<string, unknown> };
  /** Where the result is posted; null when the request takes no callback (pay recipients, accounts). */
  readonly callbackUrl: string | null;
}

export interface AsyncRequestContext {
  readonly router: Router;
  readonly tokens: KopoKopoTokens;
  readonly company: KopoKopoCompany;
  readonly baseUrl: string;
}

/** Serves one kind of asynchronous request: create, status at the Location, signed result callback. */
export function addAsyncRequest<R>(ctx: AsyncRequestContext, kind: AsyncRequestKind<R>): void {
  const { router, tokens, company, baseUrl } = ctx;
  const resources = new Map<string, AsyncResource>();
  router.on("POST", `/api/v1/${kind.collection}`, (req) => {
    requireToken(req, tokens);
    const request = kind.parse(readJson(req));
    const id = randomUUID();
    const self = `${baseUrl}/api/v1/${kind.collection}/${id}`;
    const resource = kind.resource(request, id, self);
    resources.set(id, resource);
    if (resource.callbackUrl !== null) company.send(resource.callbackUrl, resource.type, resource.body, id);
    return { status: 201, headers: { location: self } };
  });
  // The SDK fixtures also show Locations without the /api/v1 prefix: serve both.
  for (const path of [`/api/v1/${kind.collection}/:id`, `/${kind.collection}/:id`]) {
    router.on("GET", path, (req) => {
      requireToken(req, tokens);
      const resource = resources.get(req.params.id ?? "");
      if (!resource) throw apiError(404, kind.notFound);
      return { status: 200, body: resource.body };
    });
  }
}
