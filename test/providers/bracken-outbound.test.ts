import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { sha256 } from "../../src/core/bytes.js";
import { BRACKEN_EVENTS } from "../../src/providers/bracken/info.js";
import { brackenOutbound } from "../../src/providers/bracken/outbound.js";
import { PROVIDERS } from "../../src/providers/index.js";
import { AT, flipByte, makeDelivery } from "../helpers/deliveries.js";

const SECRET = "bracken-subscription-secret-12345";
const verify = (headers: Parameters<typeof makeDelivery>[0], body: Uint8Array, secrets = [SECRET]) =>
  PROVIDERS.bracken.verify(makeDelivery(headers, body), { at: AT, secrets });

describe("bracken outbound", () => {
  it("has a sample for every event providers.md names", () => {
    assert.deepEqual([...brackenOutbound.events], [...BRACKEN_EVENTS]);
  });

  for (const event of brackenOutbound.events) {
    it(`${event}: build → verify passes with the event name and body-hash dedupe key; a tampered copy fails`, async () => {
      const delivery = await brackenOutbound.build(event, { secret: SECRET }, AT);
      const v = await verify(delivery.headers, delivery.body);
      assert.equal(v.verified, true, v.reason ?? "");
      assert.equal(v.meta.signedForm, "raw");
      assert.equal(v.event, event);
      assert.equal(v.dedupeKey, delivery.eventId);
      assert.equal(delivery.eventId, `sha256:${sha256(delivery.body).toString("hex")}`);

      // What the Bracken tutorial's receiver computes: HMAC over JSON.stringify(req.body).
      const text = Buffer.from(delivery.body).toString("utf8");
      const tutorial = `HMACSHA256 ${createHmac("sha256", SECRET)
        .update(JSON.stringify(JSON.parse(text)))
        .digest("base64")}`;
      assert.deepEqual(
        delivery.headers.find(([name]) => name === "Authorization"),
        ["Authorization", tutorial],
      );

      const body = JSON.parse(text) as Record<string, unknown>;
      assert.equal(body.event, event);
      assert.equal(body.occurredAt, AT.toISOString());
      assert.equal(typeof (body.user as { username: unknown }).username, "string");

      assert.equal((await verify(delivery.headers, flipByte(delivery.body, 5))).reason, "signature_mismatch");
      assert.equal((await verify(delivery.headers, delivery.body, ["other"])).reason, "signature_mismatch");
    });
  }

  it("module and course events name the module or course", async () => {
    const module = JSON.parse(
      Buffer.from((await brackenOutbound.build("Module_Complete", { secret: SECRET }, AT)).body).toString(),
    );
    assert.equal(typeof module.module.name, "string");
    assert.equal(module.module.completedAt, AT.toISOString());
    const course = JSON.parse(
      Buffer.from((await brackenOutbound.build("Course_Expiring", { secret: SECRET }, AT)).body).toString(),
    );
    assert.ok(Date.parse(course.course.expiresAt) > AT.getTime());
  });

  it("accepts the seed's lower-case spelling and refuses unknown events or a missing secret", async () => {
    assert.equal(brackenOutbound.canonicalEvent("user_create"), "User_Create");
    assert.equal(brackenOutbound.canonicalEvent("MODULE_EXPIRED"), "Module_Expired");
    assert.equal(brackenOutbound.canonicalEvent("User_Update"), undefined);
    await assert.rejects(
      brackenOutbound.build("User_Update", { secret: SECRET }, AT),
      /unknown Bracken event "User_Update"/,
    );
    await assert.rejects(brackenOutbound.build("User_Create", {}, AT), /secret/);
  });
});
