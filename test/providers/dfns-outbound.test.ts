import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { headerValue } from "../../src/core/delivery.js";
import { DFNS_EVENTS } from "../../src/providers/dfns/info.js";
import { dfnsOutbound, signedDfnsDelivery } from "../../src/providers/dfns/outbound.js";
import { dfnsId, dfnsSampleData } from "../../src/providers/dfns/samples.js";
import { PROVIDERS } from "../../src/providers/index.js";
import { AT, AT_S, flipByte, makeDelivery } from "../helpers/deliveries.js";

const SECRET = "whs-Fij3kMCRZLCAzOqnpLzVQUEKe9Rw5V8s";
const ID = /^[a-z]+-[0-9a-v]{5}-[0-9a-v]{5}-[0-9a-v]{16}$/;

/** The `data` key each kind's family carries (providers.md, Dfns; offers and keys inferred). */
function familyOf(kind: string): string {
  if (kind === "ping") return "message";
  if (kind.startsWith("wallet.transfer.")) return "transferRequest";
  if (kind.startsWith("wallet.transaction.")) return "transactionRequest";
  if (kind.startsWith("wallet.signature.")) return "signatureRequest";
  if (kind.startsWith("wallet.offer.")) return "offer";
  if (kind === "wallet.blockchainevent.detected") return "blockchainEvent";
  if (kind.startsWith("key.")) return "key";
  if (kind === "policy.triggered") return "policyEvaluation";
  if (kind.startsWith("policy.approval.")) return "approval";
  return "wallet";
}

const verify = (d: ReturnType<typeof makeDelivery>, secrets = [SECRET]) =>
  PROVIDERS.dfns.verify(d, { at: AT, secrets });

describe("dfns outbound", () => {
  it("has a sample for every event kind in providers.md, plus ping", () => {
    assert.deepEqual(dfnsOutbound.events, [...DFNS_EVENTS, "ping"]);
    assert.equal(DFNS_EVENTS.length, 30);
  });

  for (const kind of dfnsOutbound.events) {
    it(`${kind}: build → verify passes with the right event and dedupe key; a tampered copy fails`, async () => {
      const out = await dfnsOutbound.build(kind, { secret: SECRET }, AT);
      const delivery = makeDelivery(out.headers, out.body);
      const v = await verify(delivery);
      assert.equal(v.verified, true, JSON.stringify(v.checks));
      assert.equal(v.event, kind);
      assert.equal(v.dedupeKey, out.eventId);
      assert.match(out.eventId, /^whe-/);
      assert.match(out.eventId, ID);

      const text = Buffer.from(out.body).toString("utf8");
      const body = JSON.parse(text);
      assert.equal(text, JSON.stringify(body), "compact JSON");
      assert.deepEqual(Object.keys(body), ["id", "date", "kind", "data", "timestampSent", "deliveryAttempt"]);
      assert.equal(body.date, AT.toISOString());
      assert.equal(body.timestampSent, AT_S);
      assert.equal(body.deliveryAttempt, 1);
      assert.deepEqual(Object.keys(body.data), [familyOf(kind)]);
      assert.deepEqual(
        out.headers.map(([name]) => name),
        ["Content-Type", "X-DFNS-WEBHOOK-SIGNATURE"],
      );
      assert.match(headerValue(out.headers, "X-DFNS-WEBHOOK-SIGNATURE") ?? "", /^sha256=[0-9a-f]{64}$/);

      const tampered = await verify(makeDelivery(out.headers, flipByte(out.body, 20)));
      assert.equal(tampered.verified, false);
      assert.equal(tampered.reason, "signature_mismatch");
      assert.equal((await verify(delivery, ["whs-someone-else"])).reason, "signature_mismatch");
    });
  }

  it("gives each build a new event id", async () => {
    const a = await dfnsOutbound.build("wallet.created", { secret: SECRET }, AT);
    const b = await dfnsOutbound.build("wallet.created", { secret: SECRET }, AT);
    assert.notEqual(a.eventId, b.eventId);
  });

  it("canonicalises spelling and refuses unknown events and a missing secret", async () => {
    assert.equal(dfnsOutbound.canonicalEvent(" Wallet.Transfer.Confirmed "), "wallet.transfer.confirmed");
    assert.equal(dfnsOutbound.canonicalEvent("wallet.teleported"), undefined);
    await assert.rejects(
      dfnsOutbound.build("wallet.teleported", { secret: SECRET }, AT),
      /unknown Dfns event/,
    );
    await assert.rejects(dfnsOutbound.build("wallet.created", {}, AT), /webhook secret/);
  });

  it("signs a retry with retryOf last, as the emulator sends it", async () => {
    const out = signedDfnsDelivery(
      {
        id: "whe-2",
        date: AT.toISOString(),
        kind: "key.created",
        data: { key: { id: "key-1" } },
        timestampSent: AT_S,
        deliveryAttempt: 2,
        retryOf: "whe-1",
      },
      SECRET,
    );
    const v = await verify(makeDelivery(out.headers, out.body));
    assert.equal(v.verified, true);
    assert.equal(v.meta.retryOf, "whe-1");
    assert.equal(v.meta.deliveryAttempt, 2);
    assert.match(Buffer.from(out.body).toString(), /"deliveryAttempt":2,"retryOf":"whe-1"}$/);
  });
});

describe("dfns samples", () => {
  it("are data: the same clock and ids give the same sample", () => {
    let n = 0;
    const newId = (prefix: string) => `${prefix}-00000-00000-${String(n++).padStart(16, "0")}`;
    const first = dfnsSampleData("wallet.transfer.confirmed", { at: AT, newId });
    n = 0;
    assert.deepEqual(dfnsSampleData("wallet.transfer.confirmed", { at: AT, newId }), first);
  });

  it("reflect the lifecycle step in the request status", () => {
    const status = (kind: string, family: string) =>
      (dfnsSampleData(kind, { at: AT })[family] as { status: string }).status;
    assert.equal(status("wallet.transfer.requested", "transferRequest"), "Pending");
    assert.equal(status("wallet.transfer.confirmed", "transferRequest"), "Confirmed");
    assert.equal(status("wallet.transaction.broadcasted", "transactionRequest"), "Broadcasted");
    assert.equal(status("wallet.signature.signed", "signatureRequest"), "Signed");
    assert.equal(status("wallet.signature.rejected", "signatureRequest"), "Rejected");
    assert.equal(status("wallet.offer.accepted", "offer"), "Accepted");
    assert.equal(status("policy.approval.resolved", "approval"), "Approved");
    assert.equal(status("policy.approval.pending", "approval"), "Pending");
    assert.equal(status("key.deleted", "key"), "Archived");
    const confirmed = dfnsSampleData("wallet.transfer.confirmed", { at: AT }).transferRequest as Record<
      string,
      string
    >;
    assert.equal(confirmed.dateConfirmed, AT.toISOString());
    assert.match(confirmed.txHash ?? "", /^0x[0-9a-f]{64}$/);
    assert.match(confirmed.id ?? "", /^xfr-/);
    assert.match(confirmed.walletId ?? "", /^wa-/);
  });

  it("refuse a kind Dfns does not send", () => {
    assert.throws(() => dfnsSampleData("wallet.teleported", { at: AT }), /no event of kind/);
  });

  it("make ids in Dfns' format", () => {
    for (let i = 0; i < 50; i++) assert.match(dfnsId("wh"), /^wh-[0-9a-v]{5}-[0-9a-v]{5}-[0-9a-v]{16}$/);
  });
});
