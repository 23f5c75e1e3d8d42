import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PROVIDERS } from "../../src/providers/index.js";
import { KOPOKOPO_COMPANY_EVENTS, KOPOKOPO_TILL_EVENTS } from "../../src/providers/kopokopo/info.js";
import { kopokopoOutbound } from "../../src/providers/kopokopo/outbound.js";
import { AT, flipByte, makeDelivery } from "../helpers/deliveries.js";

const API_KEY = "k2-test-api-key-3f9c1d";
const verify = (headers: Parameters<typeof makeDelivery>[0], body: Uint8Array, secrets = [API_KEY]) =>
  PROVIDERS.kopokopo.verify(makeDelivery(headers, body), { at: AT, secrets });

const parse = (body: Uint8Array) => JSON.parse(Buffer.from(body).toString("utf8")) as Record<string, unknown>;

describe("kopokopo outbound", () => {
  it("has a sample for every till and company event providers.md names", () => {
    assert.deepEqual(
      [...kopokopoOutbound.events].sort(),
      [...KOPOKOPO_TILL_EVENTS, ...KOPOKOPO_COMPANY_EVENTS].sort(),
    );
  });

  for (const event of kopokopoOutbound.events) {
    it(`${event}: build → verify passes with the topic and _links.self; a tampered copy fails`, async () => {
      const delivery = await kopokopoOutbound.build(event, { secret: API_KEY }, AT);
      const v = await verify(delivery.headers, delivery.body);
      assert.equal(v.verified, true, v.reason ?? "");
      assert.equal(v.meta.signedForm, "raw");
      assert.equal(v.event, event);
      assert.equal(v.dedupeKey, delivery.eventId);

      const body = parse(delivery.body);
      assert.equal(Buffer.from(delivery.body).toString(), JSON.stringify(body), "compact JSON");
      assert.equal(body.topic, event);
      assert.match(String(body.id), /^[0-9a-f-]{36}$/);
      // 10:00:00Z is 13:00:00 in Nairobi.
      assert.equal(body.created_at, "2026-11-23T13:00:00+03:00");
      const links = body._links as Record<string, string>;
      assert.equal(links.self, `https://sandbox.kopokopo.com/webhook_events/${body.id}`);
      assert.match(links.resource ?? "", /^https:\/\/sandbox\.kopokopo\.com\/[a-z_]+\/[0-9a-f-]{36}$/);

      assert.equal(
        (await verify(delivery.headers, flipByte(delivery.body, 20))).reason,
        "signature_mismatch",
      );
      assert.equal(
        (await verify(delivery.headers, delivery.body, ["client-secret"])).reason,
        "signature_mismatch",
      );
    });
  }

  it("buygoods_transaction_received carries every field providers.md lists, in the seed's style", async () => {
    const delivery = await kopokopoOutbound.build("buygoods_transaction_received", { secret: API_KEY }, AT);
    const event = parse(delivery.body).event as { type: string; resource: Record<string, unknown> };
    assert.equal(event.type, "Buygoods Transaction");
    const r = event.resource;
    for (const field of [
      "id",
      "amount",
      "status",
      "system",
      "currency",
      "reference",
      "till_number",
      "sender_phone_number",
      "hashed_sender_phone",
      "origination_time",
      "sender_first_name",
      "sender_middle_name",
      "sender_last_name",
    ])
      assert.ok(field in r, field);
    assert.equal(r.amount, "100.0");
    assert.equal(r.status, "Received");
    assert.equal(r.system, "Lipa Na M-PESA");
    assert.equal(r.currency, "KES");
    assert.match(String(r.reference), /^[A-Z0-9]{10}$/);
    assert.match(String(r.sender_phone_number), /^\+254\d{9}$/);
    assert.equal(r.origination_time, "2026-11-23T12:59:59+03:00");
  });

  it("company events carry their own resources", async () => {
    const settlement = parse(
      (await kopokopoOutbound.build("settlement_transfer_completed", { secret: API_KEY }, AT)).body,
    );
    const resource = (settlement.event as { resource: Record<string, unknown> }).resource;
    assert.equal(resource.status, "Transferred");
    assert.equal((resource.destination as { type: string }).type, "Bank Account");
    const customer = parse((await kopokopoOutbound.build("customer_created", { secret: API_KEY }, AT)).body);
    assert.equal((customer.event as { type: string }).type, "Customer Created");
    assert.match(String((customer._links as { resource: string }).resource), /\/mobile_money_user\//);
  });

  it("two builds are two events (fresh ids, fresh dedupe keys)", async () => {
    const a = await kopokopoOutbound.build("customer_created", { secret: API_KEY }, AT);
    const b = await kopokopoOutbound.build("customer_created", { secret: API_KEY }, AT);
    assert.notEqual(a.eventId, b.eventId);
  });

  it("resolves event names case-insensitively and refuses unknown events or a missing API key", async () => {
    assert.equal(
      kopokopoOutbound.canonicalEvent("BuyGoods_Transaction_Received"),
      "buygoods_transaction_received",
    );
    assert.equal(kopokopoOutbound.canonicalEvent("m2m_transaction_received"), undefined);
    await assert.rejects(
      kopokopoOutbound.build("nope", { secret: API_KEY }, AT),
      /unknown Kopo Kopo event "nope"/,
    );
    await assert.rejects(kopokopoOutbound.build("customer_created", {}, AT), /API key/);
  });
});
