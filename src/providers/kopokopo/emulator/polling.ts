import type { AsyncRequestKind } from "./async-requests.js";
import type { KopoKopoCompany } from "./company.js";
import { apiError } from "./errors.js";
import { callbackUrl, requiredText } from "./fields.js";

/**
 * Polling (k2-connect-node PollingService): `POST /api/v1/polling` `{scope:"company"|"till",
 * scope_reference?, from_time, to_time, _links:{callback_url}}` → 201 + Location; the result
 * `{"data":{"type":"polling","attributes":{status,from_time,to_time,transactions:[{type,resource}],
 * scope,scope_reference,_links}}}` (k2-connect-node test/response/polling.js) lists the till
 * transactions the company received in the window, and is posted to the callback.
 */

interface PollingRequest {
  readonly scope: "company" | "till";
  readonly scopeReference: string | null;
  readonly fromTime: string;
  readonly toTime: string;
  readonly from: number;
  readonly to: number;
  readonly callbackUrl: string;
}

/** Topics whose resources are money received, which a poll reports (the fixture: a buy-goods one). */
const POLLED = new Set(["buygoods_transaction_received", "b2b_transaction_received"]);

export function pollingKind(company: KopoKopoCompany): AsyncRequestKind<PollingRequest> {
  return {
    collection: "polling",
    notFound: "Polling request not found",
    parse(body) {
      const scope = body.scope;
      if (scope !== "company" && scope !== "till")
        throw apiError(400, "Scope must be one of 'till' or 'company'");
      let scopeReference: string | null = null;
      if (scope === "till") {
        scopeReference = requiredText(body, "scope_reference", "Scope reference");
        if (!company.ownsTill(scopeReference))
          throw apiError(400, `Till number ${scopeReference} does not belong to this company`);
      }
      const fromTime = requiredText(body, "from_time", "From time");
      const toTime = requiredText(body, "to_time", "To time");
      const from = Date.parse(fromTime);
      const to = Date.parse(toTime);
      if (Number.isNaN(from)) throw apiError(400, "From time is not a valid date-time");
      if (Number.isNaN(to)) throw apiError(400, "To time is not a valid date-time");
      if (from > to) throw apiError(400, "From time must be before to time");
      return { scope, scopeReference, fromTime, toTime, from, to, callbackUrl: callbackUrl(body) };
    },
    resource(request, id, self) {
      const transactions = [];
      for (const event of company.events.values()) {
        if (!POLLED.has(event.topic)) continue;
        const at = Date.parse(event.created_at);
        if (at < request.from || at > request.to) continue;
        if (request.scopeReference !== null && event.event.resource.till_number !== request.scopeReference)
          continue;
        transactions.push({ type: event.event.type, resource: event.event.resource });
      }
      const attributes = {
        status: "Success",
        from_time: request.fromTime,
        to_time: request.toTime,
        transactions,
        // The fixture capitalises the scope here ("Company"), unlike the request.
        scope: request.scope === "company" ? "Company" : "Till",
        scope_reference: request.scopeReference,
        _links: { callback_url: request.callbackUrl, self },
      };
      return {
        type: "polling",
        body: { data: { id, type: "polling", attributes } },
        callbackUrl: request.callbackUrl,
      };
    },
  };
}
