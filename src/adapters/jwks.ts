import { jwksProblem, type KeyLookup, type KeyStore, pickKey, type RefetchedKeys } from "../core/keys.js";
import { readPrivateFile, writePrivateFileAtomic } from "./files.js";
import { getJson } from "./http-get.js";

/** A failed fetch is answered from memory this long, so a flood of deliveries cannot make one fetch each. */
export const FAILURE_CACHE_MS = 10_000;

/** Every remote-keys failure says how to verify without the network. */
function unavailable(detail: string): KeyLookup & { ok: false } {
  return {
    ok: false,
    reason: "jwks_unavailable",
    detail: `${detail} — verify offline with --jwks-file FILE`,
  };
}

const seconds = (ms: number) => Math.max(0, Math.ceil(ms / 1000));

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

export interface CachedJwks {
  readonly fetchedAt: number;
  readonly jwks: unknown;
}

/** An issuer's OIDC discovery answer, cached with its keys so verification works while the issuer is down. */
export interface CachedDiscovery {
  readonly fetchedAt: number;
  readonly jwksUri: string;
}

type CacheEntry = CachedJwks | CachedDiscovery;

/** JWKS and discovery documents cached on disk by URL, so repeated `whtool verify` runs share one fetch. */
export class JwksDiskCache {
  #entries: Record<string, CacheEntry> | undefined;

  constructor(readonly path: string) {}

  /** A cached JWKS, only if it still is one (a hand-edited or older cache file is ignored, not trusted). */
  async get(url: string): Promise<CachedJwks | undefined> {
    const entry = (await this.#load())[url];
    if (!entry || typeof entry.fetchedAt !== "number" || !("jwks" in entry)) return undefined;
    return jwksProblem(entry.jwks) === undefined ? entry : undefined;
  }

  async getDiscovery(url: string): Promise<CachedDiscovery | undefined> {
    const entry = (await this.#load())[url];
    if (!entry || typeof entry.fetchedAt !== "number" || !("jwksUri" in entry)) return undefined;
    return typeof entry.jwksUri === "string" ? entry : undefined;
  }

  async put(url: string, entry: CacheEntry): Promise<void> {
    const entries = await this.#load();
    entries[url] = entry;
    await writePrivateFileAtomic(this.path, `${JSON.stringify(entries)}\n`);
  }

  async #load(): Promise<Record<string, CacheEntry>> {
    if (this.#entries) return this.#entries;
    try {
      // No-follow: a planted link must not feed whtool someone else's keys; a missing file is {}.
      const parsed: unknown = JSON.parse((await readPrivateFile(this.path)) ?? "{}");
      this.#entries =
        typeof parsed === "object" && parsed !== null ? (parsed as Record<string, CacheEntry>) : {};
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
  /**
   * Cool-down between refetches caused by an unknown kid (jose's remote sets: 30 s). The first
   * unknown kid after a fetch always refetches, so a genuine rotation is never rejected.
   */
  readonly refetchIntervalMs: number;
  /** `--refresh-keys`: ignore what is on disk and fetch once. */
  readonly refresh?: boolean;
}

type Fetched = CachedJwks | { readonly error: KeyLookup };

/**
 * A JWKS at a fixed URL, cached, refetched on an unknown kid at a bounded rate. Concurrent lookups
 * share one request, and a failure is remembered briefly, so forged deliveries with random kids
 * cost at most one request per cool-down however many arrive.
 */
export class RemoteJwks implements KeyStore {
  #current: CachedJwks | undefined;
  #inflight: Promise<Fetched> | undefined;
  #failure: { readonly until: number; readonly detail: string } | undefined;
  #lastMissRefetch: number | undefined;
  #lastDoctorRefetch: number | undefined;

  constructor(
    readonly url: string,
    private readonly options: RemoteJwksOptions,
  ) {}

  /** See KeyStore.refetched: its own slot of one fetch per cool-down, beside the verifier's. */
  async refetched(): Promise<RefetchedKeys | undefined> {
    const now = this.options.now().getTime();
    const last = this.#lastDoctorRefetch;
    if (last !== undefined && now >= last && now - last < this.options.refetchIntervalMs) return undefined;
    this.#lastDoctorRefetch = now;
    const fetched = await this.#fetch(now);
    if ("error" in fetched) return undefined;
    return {
      keys: new StaticKeyStore(fetched.jwks, `${this.url} (fetched again)`),
      url: this.url,
      fetchedAt: new Date(fetched.fetchedAt),
    };
  }

  async find(kid: string | undefined): Promise<KeyLookup> {
    const now = this.options.now().getTime();
    let entry = this.#current ?? (this.options.refresh ? undefined : await this.options.cache?.get(this.url));
    let fetchedNow = false;
    if (!entry || now - entry.fetchedAt > this.options.maxAgeMs || now < entry.fetchedAt) {
      const fetched = await this.#fetch(now);
      if ("error" in fetched) return fetched.error;
      entry = fetched;
      fetchedNow = true;
    }
    this.#current ??= entry;
    const found = pickKey(entry.jwks, kid, this.url);
    // A kid missing from a document fetched for this very lookup will not appear in another fetch.
    if (found.ok || found.reason !== "unknown_key" || fetchedNow) return found;

    if (!this.#inflight) {
      const since = now - (this.#lastMissRefetch ?? Number.NEGATIVE_INFINITY);
      if (since >= 0 && since < this.options.refetchIntervalMs)
        return {
          ...found,
          detail: `${found.detail}; JWKS refetched ${seconds(since)} s ago for an unknown kid, next refetch allowed in ${seconds(this.options.refetchIntervalMs - since)} s`,
        };
      this.#lastMissRefetch = now;
    }
    const refetched = await this.#fetch(now);
    if ("error" in refetched) return refetched.error;
    return pickKey(refetched.jwks, kid, `${this.url} (refetched)`);
  }

  /** One request at a time: every caller waiting meanwhile gets its answer. */
  #fetch(now: number): Promise<Fetched> {
    if (this.#failure && now < this.#failure.until && now >= this.#failure.until - FAILURE_CACHE_MS)
      return Promise.resolve({
        error: unavailable(
          `${this.#failure.detail} (not retried for ${seconds(this.#failure.until - now)} s)`,
        ),
      });
    this.#inflight ??= this.#download(now).finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #download(now: number): Promise<Fetched> {
    let jwks: unknown;
    try {
      jwks = await getJson(this.options.fetch, this.url);
    } catch (error) {
      return this.#failed(now, (error as Error).message);
    }
    const problem = jwksProblem(jwks);
    if (problem !== undefined) return this.#failed(now, `${this.url} ${problem}`);
    const entry = { fetchedAt: now, jwks };
    this.#current = entry;
    this.#failure = undefined;
    await this.options.cache?.put(this.url, entry).catch(() => undefined); // a read-only cache is not fatal
    return entry;
  }

  #failed(now: number, detail: string): Fetched {
    this.#failure = { until: now + FAILURE_CACHE_MS, detail };
    return { error: unavailable(detail) };
  }
}

/**
 * OIDC keys per issuer: `{issuer}/.well-known/openid-configuration` → `jwks_uri` → JWKS.
 * Callers pass only issuers already found in the trusted list; `jwksUrl` overrides discovery.
 * The discovery answer is cached on disk next to the keys, with the same lifetime.
 */
export class OidcKeyStore implements KeyStore {
  readonly #byIssuer = new Map<string, Promise<RemoteJwks | KeyLookup>>();
  readonly #failedAt = new Map<string, number>();

  constructor(private readonly options: RemoteJwksOptions & { readonly jwksUrl?: string }) {}

  async find(kid: string | undefined, issuer?: string): Promise<KeyLookup> {
    if (issuer === undefined) return unavailable("no issuer to discover keys for");
    const now = this.options.now().getTime();
    const failedAt = this.#failedAt.get(issuer);
    if (failedAt !== undefined && (now - failedAt >= FAILURE_CACHE_MS || now < failedAt)) {
      this.#byIssuer.delete(issuer);
      this.#failedAt.delete(issuer);
    }
    let pending = this.#byIssuer.get(issuer);
    if (!pending) {
      pending = this.#storeFor(issuer, now);
      this.#byIssuer.set(issuer, pending);
    }
    const store = await pending;
    return store instanceof RemoteJwks ? store.find(kid) : store;
  }

  /** See KeyStore.refetched: only for an issuer whose keys were already looked up (a trusted one). */
  async refetched(issuer?: string): Promise<RefetchedKeys | undefined> {
    const pending = issuer === undefined ? undefined : this.#byIssuer.get(issuer);
    const store = await pending;
    return store instanceof RemoteJwks ? store.refetched() : undefined;
  }

  async #storeFor(issuer: string, now: number): Promise<RemoteJwks | KeyLookup> {
    const jwksUri = this.options.jwksUrl ?? (await this.#discover(issuer, now));
    if (typeof jwksUri !== "string") {
      this.#failedAt.set(issuer, now);
      return jwksUri;
    }
    return new RemoteJwks(jwksUri, this.options);
  }

  async #discover(issuer: string, now: number): Promise<string | KeyLookup> {
    const url = `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
    const { cache, maxAgeMs, refresh } = this.options;
    const cached = refresh ? undefined : await cache?.getDiscovery(url);
    if (cached && now >= cached.fetchedAt && now - cached.fetchedAt <= maxAgeMs) return cached.jwksUri;
    let config: unknown;
    try {
      config = await getJson(this.options.fetch, url);
    } catch (error) {
      return unavailable((error as Error).message);
    }
    const jwksUri = (config as { jwks_uri?: unknown } | null)?.jwks_uri;
    if (typeof jwksUri !== "string" || !/^https?:\/\//.test(jwksUri))
      return unavailable(`${url} has no http(s) jwks_uri`);
    await cache?.put(url, { fetchedAt: now, jwksUri }).catch(() => undefined);
    return jwksUri;
  }
}
