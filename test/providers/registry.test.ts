import assert from "node:assert/strict";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { PROVIDER_IDS } from "../../src/core/provider-id.js";
import { detectProvider, newDedupeIndex, PROVIDERS } from "../../src/providers/index.js";
import { generateSigningKey } from "../../src/providers/signing-key.js";
import type { OutboundCredentials, ProviderDescriptor } from "../../src/providers/types.js";
import { AT } from "../helpers/deliveries.js";

const PROVIDERS_DIR = fileURLToPath(new URL("../../../src/providers/", import.meta.url));
/** Folders under src/providers/ that are shared by every provider, not one provider's. */
const SHARED_FOLDERS = new Set(["doctor"]);

/** Credentials each kind of credentials descriptor signs with. */
async function credentialsFor(provider: ProviderDescriptor): Promise<OutboundCredentials> {
  const { credentials } = provider;
  if (credentials.kind === "hmac") return { secret: "whs-registry" };
  const key = await generateSigningKey(credentials.alg);
  return credentials.kind === "oidc"
    ? { key, issuer: "https://issuer.registry.example/p", audience: "registry" }
    : { key };
}

describe("the provider registry", () => {
  it("has one row per provider id, each under its own id", () => {
    assert.deepEqual(Object.keys(PROVIDERS), [...PROVIDER_IDS]);
    for (const id of PROVIDER_IDS) assert.equal(PROVIDERS[id].info.id, id);
  });

  it("every provider folder is a registry row, and every row has its folder with a descriptor", () => {
    const folders = readdirSync(PROVIDERS_DIR).filter(
      (name) => statSync(join(PROVIDERS_DIR, name)).isDirectory() && !SHARED_FOLDERS.has(name),
    );
    assert.deepEqual(folders.sort(), [...PROVIDER_IDS].sort());
    for (const id of PROVIDER_IDS) assert.ok(existsSync(join(PROVIDERS_DIR, id, "index.ts")), id);
  });

  for (const id of PROVIDER_IDS)
    describe(id, () => {
      const provider = PROVIDERS[id];

      it("has every cheap part: info, detect, verify, scheme, credentials, dedupe, answer budget", () => {
        assert.ok(provider.info.name && provider.info.signatureHeader, "info");
        assert.equal(typeof provider.detect, "function");
        assert.equal(typeof provider.verify, "function");
        assert.equal(typeof provider.dedupe.followsRetryOf, "boolean");
        assert.ok(provider.answerBudgetMs > 0 && provider.answerBudgetMs <= 30_000, "answer budget");
        // An HMAC provider carries its one scheme; a JWT provider has none and names its algorithm.
        if (provider.credentials.kind === "hmac") {
          assert.ok(provider.hmac, "an HMAC provider has its scheme");
          assert.equal(provider.hmac.header, provider.info.signatureHeader);
          assert.match(provider.credentials.secretEnv, /^[A-Z][A-Z0-9_]+$/);
          assert.ok(provider.info.verifyEnv.includes(provider.credentials.secretEnv), "verifyEnv lists it");
        } else {
          assert.equal(provider.hmac, null);
          assert.match(provider.credentials.alg, /^(ES|RS)256$/);
          assert.ok(provider.credentials.maxAgeMs > 0);
        }
      });

      it("its lazy parts load: outbound samples, forgeries, API client, emulator", async () => {
        const outbound = await provider.outbound();
        assert.ok(outbound.events.length > 0, "outbound events");
        assert.equal(typeof outbound.build, "function");
        assert.equal(typeof (await provider.forgeries()), "function");
        const api = await provider.api();
        for (const part of ["register", "trigger", "remove", "loopTrigger"] as const)
          assert.equal(typeof api[part], "function", `api.${part}`);
        assert.ok(api.defaultTrigger in api.triggers, "the default trigger is one of its triggers");
        assert.equal(typeof (await provider.emulator()), "function");
      });

      it("detects its own outbound delivery, and the forgeries build from it", async () => {
        const outbound = await provider.outbound();
        const credentials = await credentialsFor(provider);
        const event = outbound.events[0] ?? "";
        const valid = await outbound.build(event, credentials, AT);
        assert.equal(provider.detect(valid.headers), true);
        assert.equal(detectProvider(valid.headers), id);
        const forgeries = await (await provider.forgeries())({
          event,
          valid,
          credentials,
          outbound,
          now: AT,
        });
        assert.ok(
          forgeries.some((c) => c.expect === "reject"),
          "at least one forgery to refuse",
        );
      });
    });

  it("newDedupeIndex follows the retry chains of the providers whose rows say so", () => {
    const chained = PROVIDER_IDS.filter((id) => PROVIDERS[id].dedupe.followsRetryOf);
    assert.ok(chained.length > 0);
    const index = newDedupeIndex();
    for (const provider of PROVIDER_IDS) {
      const meta = (retryOf: string | null) => ({ retryOf });
      assert.equal(index.observe(`${provider}-1`, { provider, dedupeKey: "e1", meta: meta(null) }), null);
      const retry = index.observe(`${provider}-2`, { provider, dedupeKey: "e2", meta: meta("e1") });
      assert.equal(retry, chained.includes(provider) ? `${provider}-1` : null, provider);
    }
  });
});
