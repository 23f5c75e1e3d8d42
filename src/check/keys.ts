import { join } from "node:path";
import { type CryptoKey, exportJWK, importJWK, type JWK } from "jose";
import { readPrivateFile, writePrivateFileAtomic } from "../adapters/files.js";
import { generateSigningKey, type SigningKey } from "../providers/signing-key.js";

/** Where whtool's test keys live (check, send, replay --resign and the inspector sign with them). */
export const TEST_KEYS_FILE = ".whtool/check-keys.json";

/**
 * The key `whtool check` signs MoneyKit/PPS deliveries with, kept across runs (mode 0600) so the
 * handler under test can cache the JWKS the way it would cache the provider's.
 */
export async function checkKey(cwd: string, alg: "ES256" | "RS256"): Promise<SigningKey> {
  const path = join(cwd, TEST_KEYS_FILE);
  let stored: Record<string, { kid: string; privateJwk: JWK }> = {};
  try {
    stored = JSON.parse((await readPrivateFile(path)) ?? "{}") as typeof stored;
  } catch {
    // none yet (or unreadable): make a new one below
  }
  const saved = stored[alg];
  if (saved) {
    const privateKey = (await importJWK(saved.privateJwk, alg)) as CryptoKey;
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicPart } = saved.privateJwk;
    return { kid: saved.kid, alg, privateKey, publicJwk: { ...publicPart, kid: saved.kid, use: "sig", alg } };
  }
  const key = await generateSigningKey(alg, `whtool-check-${alg.toLowerCase()}`);
  stored[alg] = { kid: key.kid, privateJwk: await exportJWK(key.privateKey) };
  await writePrivateFileAtomic(path, `${JSON.stringify(stored)}\n`);
  return key;
}
