import type { DeliveryEngine } from "../../../emulators/delivery-engine.js";
import type { Router } from "../../../emulators/router.js";
import type { TokenStore } from "../../../emulators/tokens.js";
import {
  isKopoKopoEvent,
  KOPOKOPO_EVENTS,
  type KopoKopoPayer,
  mpesaReference,
  samplePayer,
} from "../samples.js";
import { type KopoKopoCompany, subscriptionBody } from "./company.js";
import { apiError } from "./errors.js";
import { kopokopoAmount } from "./fields.js";
import { readJson } from "./requests.js";

/**
 * The emulator-only endpoints under `/_emulator/` (documented at the top of ../emulator.ts). Kopo
 * Kopo has no test-trigger API (providers.md): sandbox events come from real transactions, which
 * these stand in for.
 */
export function addControlRoutes(
  router: Router,
  company: KopoKopoCompany,
  tokens: TokenStore,
  engine: DeliveryEngine,
): void {
  const tills = company.tills;
  router.on("POST", "/_emulator/simulate/buygoods", (req) => {
    const body = readJson(req);
    const value = Number(body.amount);
    if (!Number.isFinite(value) || value <= 0) throw apiError(400, "amount must be a number greater than 0");
    const till = typeof body.till_number === "string" ? body.till_number : (tills[0] ?? "");
    if (!company.ownsTill(till)) throw apiError(400, `Till number ${till} does not belong to this company`);
    const currency = typeof body.currency === "string" ? body.currency : "KES";
    const emitted = company.emit("buygoods_transaction_received", {
      tillNumber: till,
      amount: kopokopoAmount(value),
      currency,
      payer: payerFrom(body),
      reference: mpesaReference(),
    });
    return { status: 202, body: emittedBody(emitted) };
  });
  router.on("POST", "/_emulator/events", (req) => {
    const body = readJson(req);
    // `event` is the name every emulator takes (whtool trigger EVENT); `event_type` is Kopo Kopo's own.
    const given = body.event_type ?? body.event;
    const topic = typeof given === "string" ? given : "";
    if (!isKopoKopoEvent(topic))
      throw apiError(400, `event_type must be one of ${KOPOKOPO_EVENTS.join(", ")}`);
    const till = typeof body.till_number === "string" ? body.till_number : tills[0];
    if (till !== undefined && !company.ownsTill(till))
      throw apiError(400, `Till number ${till} does not belong to this company`);
    return {
      status: 202,
      body: emittedBody(company.emit(topic, till === undefined ? {} : { tillNumber: till })),
    };
  });
  router.on("POST", "/_emulator/expire-tokens", () => ({
    status: 200,
    body: { expired: tokens.expireAll() },
  }));
  router.on("GET", "/_emulator/subscriptions", () => ({
    status: 200,
    body: [...company.subscriptions.values()].map((sub) => subscriptionBody(sub).data),
  }));
  router.on("GET", "/_emulator/deliveries", () => ({ status: 200, body: engine.attempts }));
}

function emittedBody(emitted: ReturnType<KopoKopoCompany["emit"]>): Record<string, unknown> {
  return {
    event_id: emitted.body.id,
    topic: emitted.body.topic,
    self: emitted.body._links.self,
    deliveries: emitted.fanout.map((f) => ({ subscription_id: f.subscriptionId, url: f.url })),
  };
}

function payerFrom(body: Record<string, unknown>): KopoKopoPayer {
  const fallback = samplePayer();
  const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
  return {
    firstName: text(body.sender_first_name) ?? fallback.firstName,
    middleName: text(body.sender_middle_name) ?? null,
    lastName: text(body.sender_last_name) ?? fallback.lastName,
    phone: text(body.sender_phone_number) ?? fallback.phone,
  };
}
