import { type KeyLookup, type KeyStore, pickKey } from "../core/keys.js";
import { readPrivateFile, writePrivateFileAtomic } from "./files.js";
import { getJson } from "./http-get.js";

/** Keys from a JWKS the user handed over (`--jwks-file`, or `send --jwks-out`): fully offline. */
export class StaticKeyStore implements KeyStore {
  constructor(
    private readonly jwks: unknown,
    private readonly source: string,
  ) {}

  async find(kid: string | undefined): Promise<KeyLookup> {
    return pickKey(this.jwks, kid, this.source);
  }
}

interface CachedJwks {
  readonly fetchedAt: number;
  readonly jwks: unknown;
}

/** JWKS documents cached on disk by URL, so repeated `whtool verify` runs share one fetch. */
export class JwksDiskCache {
  #entries: Record<string, CachedJwks> | undefined;

  constructor(readonly path: string) {}

  async get(url: string): Promise<CachedJwks | undefined> {
    return (await this.#load())[url];
  }

  async put(url: string, entry: CachedJwks): Promise<void> {
    const entries = await this.#load();
    entries[url] = entry;
    await writePrivateFileAtomic(this.path, `${JSON.stringify(entries)}\n`);
  }

  async #load(): Promise<Record<string, CachedJwks>> {
    if (this.#entries) return this.#entries;
    try {
      // No-follow: a planted link must not feed whtool someone else's keys; a missing file is {}.
      const parsed: unknown = JSON.parse((await readPrivateFile(this.path)) ?? "{}");
      this.#entries =
        typeof parsed === "object" && parsed !== null ? (parsed as Record<string, CachedJwks>) : {};
    } catch {
      this.#entries = {}; // missing or unreadable cache: start afresh
    }
    return this.#entries;
  }
}

export interface RemoteJwksOptions {
  readonly fetch: typeof fetch;
  readonly now: () => Date;
  readonly cache?: JwksDiskCache;
  /** A cached JWKS older than this is fetched again (MoneyKit: at most 24 h). */
  readonly maxAgeMs: number;
  /** An unknown kid refetches, but not more often than this (MoneyKit example: 5 min). */
  readonly refetchIntervalMs: number;
}

/** A JWKS at a fixed URL, cached, refetched on an unknown kid at a bounded rate. */
export class RemoteJwks implements KeyStore {
  #current: CachedJwks | undefined;

  constructor(
    readonly url: string,
    private readonly options: RemoteJwksOptions,
  ) {}

  async find(kid: string | undefined): Promise<KeyLookup> {
    const now = this.options.now().getTime();
    let entry = this.#current ?? (await this.options.cache?.get(this.url));
    if (!entry || now - entry.fetchedAt > this.options.maxAgeMs || now < entry.fetchedAt) {
      const fetched = await this.#fetch(now);
      if ("error" in fetched) return fetched.error;
      entry = fetched;
    }
    this.#current = entry;
    const found = pickKey(entry.jwks, kid, this.url);
    if (found.ok || found.reason !== "unknown_key") return found;

    const age = now - entry.fetchedAt;
    if (age < this.options.refetchIntervalMs) {
      const seconds = Math.round(age / 1000);
      const every = Math.round(this.options.refetchIntervalMs / 1000);
      return {
        ...found,
        detail: `${found.detail}; JWKS fetched ${seconds} s ago, refetched at most every ${every} s`,
      };
    }
    const refetched = await this.#fetch(now);
    if ("error" in refetched) return refetched.error;
    return pickKey(refetched.jwks, kid, `${this.url} (refetched)`);
  }

  async #fetch(now: number): Promise<CachedJwks | { error: KeyLookup }> {
    try {
      const jwks = await getJson(this.options.fetch, this.url);
      const entry = { fetchedAt: now, jwks };
      this.#current = entry;
      await this.options.cache?.put(this.url, entry).catch(() => undefined); // a read-only cache is not fatal
      return entry;
    } catch (error) {
      return { error: { ok: false, reason: "jwks_unavailable", detail: (error as Error).message } };
    }
  }
}

/**
 * OIDC keys per issuer: `{issuer}/.well-known/openid-configuration` → `jwks_uri` → JWKS.
 * Callers pass only issuers already found in the trusted list; `jwksUrl` overrides discovery.
 */
export class OidcKeyStore implements KeyStore {
  readonly #byIssuer = new Map<string, RemoteJwks>();

  constructor(private readonly options: RemoteJwksOptions & { readonly jwksUrl?: string }) {}

  async find(kid: string | undefined, issuer?: string): Promise<KeyLookup> {
    if (issuer === undefined)
      return { ok: false, reason: "jwks_unavailable", detail: "no issuer to discover keys for" };
    let store = this.#byIssuer.get(issuer);
    if (!store) {
      const jwksUri = this.options.jwksUrl ?? (await this.#discover(issuer));
      if (typeof jwksUri !== "string") return jwksUri;
      store = new RemoteJwks(jwksUri, this.options);
      this.#byIssuer.set(issuer, store);
    }
    return store.find(kid);
  }

  async #discover(issuer: string): Promise<string | KeyLookup> {
    const url = `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
    try {
      const config = (await getJson(this.options.fetch, url)) as { jwks_uri?: unknown };
      if (typeof config.jwks_uri === "string" && /^https?:\/\//.test(config.jwks_uri)) return config.jwks_uri;
      return { ok: false, reason: "jwks_unavailable", detail: `${url} has no http(s) jwks_uri` };
    } catch (error) {
      return { ok: false, reason: "jwks_unavailable", detail: (error as Error).message };
    }
  }
}
