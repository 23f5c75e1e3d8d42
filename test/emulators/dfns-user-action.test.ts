// User-action signing, step by step: the emulator really verifies the Key assertion (signature against
// the credential's public key, clientData type and challenge), and a user action is good once, for the
// method, path and body it was signed for.
import assert from "node:assert/strict";
import { generateKeyPairSync, sign } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { RunningEmulator } from "../../src/emulators/types.js";
import { startDfnsEmulator } from "../../src/providers/dfns/emulator.js";
import {
  call,
  initChallenge,
  keyAssertion,
  manualClock,
  signUserAction,
  userActionFor,
} from "./dfns-client.js";

const clock = manualClock();
let emu: RunningEmulator;
const URL_ = "http://127.0.0.1:9/hook";
const CREATE = JSON.stringify({ url: URL_, events: ["*"] });
const stranger = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({
  type: "pkcs8",
  format: "pem",
});

before(async () => {
  emu = await startDfnsEmulator({ now: clock.now });
});
after(() => emu.close());

const message = (json: unknown) => (json as { error: { message: string } }).error.message;

describe("dfns emulator: POST /auth/action/init", () => {
  it("returns the challenge object the SDK's signer reads", async () => {
    const reply = await initChallenge(emu, "POST", "/webhooks", CREATE);
    assert.equal(reply.status, 200);
    assert.match(reply.json.challenge, /^[A-Za-z0-9_-]{43}$/);
    assert.match(reply.json.challengeIdentifier, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.deepEqual(reply.json.allowCredentials, {
      key: [{ type: "public-key", id: emu.env.DFNS_CRED_ID }],
      webauthn: [],
    });
    assert.deepEqual(reply.json.supportedCredentialKinds, [
      { kind: "Key", factor: "first", requiresSecondFactor: false },
    ]);
    assert.equal(reply.json.userVerification, "required");
    assert.equal(reply.json.attestation, "none");
    assert.equal(typeof reply.json.externalAuthenticationUrl, "string");
  });

  it("answers 400 to a malformed request", async () => {
    const cases = [
      "not json",
      { userActionHttpMethod: "POST", userActionHttpPath: "/webhooks" },
      { userActionPayload: "{}", userActionHttpMethod: "PATCH", userActionHttpPath: "/webhooks" },
      { userActionPayload: "{}", userActionHttpMethod: "POST", userActionHttpPath: "webhooks" },
      {
        userActionPayload: "{}",
        userActionHttpMethod: "POST",
        userActionHttpPath: "/webhooks",
        userActionServerKind: "Staff",
      },
    ];
    for (const body of cases) {
      const reply = await call(emu, "POST", "/auth/action/init", { body });
      assert.equal(reply.status, 400, JSON.stringify(body));
    }
  });
});

describe("dfns emulator: POST /auth/action verifies the assertion", () => {
  it("issues a user action for a good assertion", async () => {
    const reply = await signUserAction(emu, "POST", "/webhooks", CREATE);
    assert.equal(reply.status, 200);
    assert.deepEqual(Object.keys(reply.json), ["userAction"]);
    assert.match(reply.json.userAction, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it("refuses a signature made with another key (401)", async () => {
    const reply = await signUserAction(emu, "POST", "/webhooks", CREATE, { privateKey: String(stranger) });
    assert.equal(reply.status, 401);
    assert.equal(
      message(reply.json),
      "Invalid credential assertion: signature does not verify with the credential's public key",
    );
  });

  it("refuses clientData of the wrong type or for another challenge (401)", async () => {
    const wrongType = await signUserAction(emu, "POST", "/webhooks", CREATE, {
      clientData: (challenge) => ({ type: "webauthn.get", challenge }),
    });
    assert.equal(wrongType.status, 401);
    assert.match(message(wrongType.json), /clientData.type must be "key.get"/);
    const otherChallenge = await signUserAction(emu, "POST", "/webhooks", CREATE, {
      clientData: () => ({ type: "key.get", challenge: "c29tZXRoaW5nIGVsc2U" }),
    });
    assert.equal(otherChallenge.status, 401);
    assert.match(message(otherChallenge.json), /not the challenge issued/);
  });

  it("refuses an unknown credential id, a non-Key factor and a tampered signature", async () => {
    const init = await initChallenge(emu, "POST", "/webhooks", CREATE);
    const unknownCred = await call(emu, "POST", "/auth/action", {
      body: {
        challengeIdentifier: init.json.challengeIdentifier,
        firstFactor: keyAssertion(emu, init.json.challenge, { credId: "bm90LWEtY3JlZGVudGlhbA" }),
      },
    });
    assert.equal(unknownCred.status, 401);
    assert.equal(
      message(unknownCred.json),
      "User does not have a credential that can be used for the application.",
    );

    const again = await initChallenge(emu, "POST", "/webhooks", CREATE);
    const fido = await call(emu, "POST", "/auth/action", {
      body: {
        challengeIdentifier: again.json.challengeIdentifier,
        firstFactor: { kind: "Password", password: "x" },
      },
    });
    assert.equal(fido.status, 401);

    const third = await initChallenge(emu, "POST", "/webhooks", CREATE);
    const assertion = keyAssertion(emu, third.json.challenge);
    const raw = sign("sha256", Buffer.from("something else"), emu.env.DFNS_PRIVATE_KEY ?? "");
    assertion.credentialAssertion.signature = raw.toString("base64url");
    const tampered = await call(emu, "POST", "/auth/action", {
      body: { challengeIdentifier: third.json.challengeIdentifier, firstFactor: assertion },
    });
    assert.equal(tampered.status, 401);
  });

  it("uses a challenge once: a second answer to it is 400 Challenge token is not valid.", async () => {
    const init = await initChallenge(emu, "POST", "/webhooks", CREATE);
    const body = {
      challengeIdentifier: init.json.challengeIdentifier,
      firstFactor: keyAssertion(emu, init.json.challenge),
    };
    assert.equal((await call(emu, "POST", "/auth/action", { body })).status, 200);
    const replay = await call(emu, "POST", "/auth/action", { body });
    assert.equal(replay.status, 400);
    assert.equal(message(replay.json), "Challenge token is not valid.");
    const unknown = await call(emu, "POST", "/auth/action", {
      body: { ...body, challengeIdentifier: "a.b.c" },
    });
    assert.equal(unknown.status, 400);
  });

  it("expires a challenge after userActionTtlS on the emulator clock", async () => {
    const init = await initChallenge(emu, "POST", "/webhooks", CREATE);
    clock.advance(300_000);
    const late = await call(emu, "POST", "/auth/action", {
      body: {
        challengeIdentifier: init.json.challengeIdentifier,
        firstFactor: keyAssertion(emu, init.json.challenge),
      },
    });
    assert.equal(late.status, 400);
    assert.equal(message(late.json), "Challenge token is not valid.");
  });

  it("answers 400 to a malformed assertion body", async () => {
    for (const body of [
      "[]",
      { firstFactor: {} },
      { challengeIdentifier: "x", firstFactor: "Key" },
      { challengeIdentifier: "x", firstFactor: { kind: "Key", credentialAssertion: { credId: "a" } } },
    ]) {
      const reply = await call(emu, "POST", "/auth/action", { body });
      assert.equal(reply.status, 400, JSON.stringify(body));
    }
  });

  it("can answer 403 instead of 401 for a failing assertion (badAssertionStatus)", async () => {
    const local = await startDfnsEmulator({ badAssertionStatus: 403 });
    try {
      const reply = await signUserAction(local, "POST", "/webhooks", CREATE, {
        privateKey: String(stranger),
      });
      assert.equal(reply.status, 403);
    } finally {
      await local.close();
    }
  });
});

describe("dfns emulator: X-DFNS-USERACTION on mutating calls", () => {
  it("answers 403 without one or with an unknown one", async () => {
    const missing = await call(emu, "POST", "/webhooks", { body: CREATE });
    assert.equal(missing.status, 403);
    assert.equal(message(missing.json), "user action signature is missing or invalid");
    const bogus = await call(emu, "POST", "/webhooks", { body: CREATE, userAction: "a.b.c" });
    assert.equal(bogus.status, 403);
    for (const [method, path] of [
      ["PUT", "/webhooks/wh-1"],
      ["DELETE", "/webhooks/wh-1"],
      ["POST", "/webhooks/wh-1/ping"],
    ] as const) {
      assert.equal((await call(emu, method, path, { body: {} })).status, 403, `${method} ${path}`);
    }
  });

  it("uses a user action once: reuse → 400 user action has already been used", async () => {
    const userAction = await userActionFor(emu, "POST", "/webhooks", CREATE);
    const first = await call(emu, "POST", "/webhooks", { body: CREATE, userAction });
    assert.equal(first.status, 200);
    const reuse = await call(emu, "POST", "/webhooks", { body: CREATE, userAction });
    assert.equal(reuse.status, 400);
    assert.equal(message(reuse.json), "user action has already been used");
    assert.equal((await call(emu, "GET", "/webhooks")).json.items.length, 1);
    await call(emu, "DELETE", `/webhooks/${first.json.id}`, {
      body: "{}",
      userAction: await userActionFor(emu, "DELETE", `/webhooks/${first.json.id}`, "{}"),
    });
  });

  it("refuses a user action signed for another method, path or body (403)", async () => {
    const forCreate = await userActionFor(emu, "POST", "/webhooks", CREATE);
    const otherPath = await call(emu, "PUT", "/webhooks/wh-1", { body: CREATE, userAction: forCreate });
    assert.equal(otherPath.status, 403);
    assert.match(message(otherPath.json), /signed for POST \/webhooks, not PUT \/webhooks\/wh-1/);

    const forBody = await userActionFor(emu, "POST", "/webhooks", CREATE);
    const otherBody = JSON.stringify({ url: "http://127.0.0.1:9/evil", events: ["*"] });
    const swapped = await call(emu, "POST", "/webhooks", { body: otherBody, userAction: forBody });
    assert.equal(swapped.status, 403);
    assert.match(message(swapped.json), /not the userActionPayload signed/);
    assert.deepEqual((await call(emu, "GET", "/webhooks")).json, { items: [] });
  });

  it("refuses a user action used after userActionTtlS", async () => {
    const userAction = await userActionFor(emu, "POST", "/webhooks", CREATE);
    clock.advance(300_000);
    const late = await call(emu, "POST", "/webhooks", { body: CREATE, userAction });
    assert.equal(late.status, 403);
  });

  it("refuses a user action issued to another token's caller", async () => {
    const local = await startDfnsEmulator();
    try {
      const foreign = await userActionFor(local, "POST", "/webhooks", CREATE);
      const reply = await call(emu, "POST", "/webhooks", { body: CREATE, userAction: foreign });
      assert.equal(reply.status, 403);
    } finally {
      await local.close();
    }
  });
});
