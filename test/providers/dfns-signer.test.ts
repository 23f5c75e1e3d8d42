// whtool's Dfns Key signer (it replaced @dfns/sdk-keysigner): what it signs, for every key kind Dfns takes,
// and that the emulator's user-action check accepts it and still refuses a tampered assertion.
import assert from "node:assert/strict";
import { generateKeyPairSync, verify } from "node:crypto";
import { describe, it } from "node:test";
import { DfnsError, type UserActionChallenge } from "@dfns/sdk";
import { KeySigner } from "../../src/providers/dfns/api/signer.js";
import { DfnsAuth } from "../../src/providers/dfns/emulator/auth.js";

const KINDS = {
  "ECDSA P-256": () => generateKeyPairSync("ec", { namedCurve: "P-256" }),
  Ed25519: () => generateKeyPairSync("ed25519"),
  RSA: () => generateKeyPairSync("rsa", { modulusLength: 2048 }),
};

function emulatorAuth() {
  return new DfnsAuth({
    now: () => new Date(),
    tokenTtlS: 60,
    userActionTtlS: 60,
    badAssertionStatus: 401,
  });
}

function challengeFor(auth: DfnsAuth) {
  const challenge = auth.initChallenge(
    {
      userActionPayload: "{}",
      userActionHttpMethod: "POST",
      userActionHttpPath: "/webhooks",
      userActionServerKind: "Api",
    },
    auth.userId,
  );
  return challenge as unknown as UserActionChallenge;
}

describe("dfns KeySigner", () => {
  for (const [kind, generate] of Object.entries(KINDS)) {
    it(`signs clientData {type:"key.get", challenge} with a ${kind} key, and the emulator accepts it`, async () => {
      const { privateKey, publicKey } = generate();
      const auth = emulatorAuth();
      const credId = auth.addCredential(publicKey);
      const challenge = challengeFor(auth);
      const assertion = await new KeySigner({
        credId,
        privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      }).sign(challenge);

      assert.equal(assertion.kind, "Key");
      assert.equal(assertion.credentialAssertion.credId, credId);
      const clientData = Buffer.from(assertion.credentialAssertion.clientData, "base64url");
      assert.deepEqual(JSON.parse(clientData.toString()), {
        type: "key.get",
        challenge: challenge.challenge,
      });
      const digest = kind === "Ed25519" ? null : "sha256";
      const signature = Buffer.from(assertion.credentialAssertion.signature, "base64url");
      assert.equal(verify(digest, clientData, publicKey, signature), true);

      const done = auth.completeChallenge(
        { challengeIdentifier: challenge.challengeIdentifier, firstFactor: assertion },
        auth.userId,
      );
      assert.match(done.userAction, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    });
  }

  it("is refused by the emulator when its signature is tampered with", async () => {
    const { privateKey, publicKey } = KINDS.Ed25519();
    const auth = emulatorAuth();
    const credId = auth.addCredential(publicKey);
    const challenge = challengeFor(auth);
    const assertion = await new KeySigner({ credId, privateKey }).sign(challenge);
    const signature = Buffer.from(assertion.credentialAssertion.signature, "base64url");
    signature[0] = (signature[0] ?? 0) ^ 1;
    const tampered = {
      ...assertion,
      credentialAssertion: { ...assertion.credentialAssertion, signature: signature.toString("base64url") },
    };
    assert.throws(
      () =>
        auth.completeChallenge(
          { challengeIdentifier: challenge.challengeIdentifier, firstFactor: tampered },
          auth.userId,
        ),
      (error: { status?: number; body?: { error?: { message?: string } } }) =>
        error.status === 401 && /signature does not verify/.test(error.body?.error?.message ?? ""),
    );
  });

  it("refuses, before signing, a challenge that does not allow its credential (DfnsError -1)", async () => {
    const { privateKey } = KINDS["ECDSA P-256"]();
    const challenge = challengeFor(emulatorAuth());
    await assert.rejects(
      new KeySigner({ credId: "not-a-credential", privateKey }).sign(challenge),
      (error) =>
        error instanceof DfnsError && error.httpStatus === -1 && /not-a-credential/.test(error.message),
    );
  });
});
