// Outbound calls to provider APIs and key URLs through the proxy corporate networks require:
// HTTPS_PROXY, HTTP_PROXY and NO_PROXY (lower case wins, as with curl and undici), read from the
// command's env (so a .env file counts), never straight from process.env. With no proxy set nothing
// changes and undici's proxy agent is never loaded.
import type { Dispatcher } from "undici";
import { configError } from "../errors.js";

type Env = Readonly<Record<string, string | undefined>>;

export interface ProxySettings {
  readonly httpProxy: string;
  readonly httpsProxy: string;
  readonly noProxy: string;
}

const pick = (env: Env, name: string): string => (env[name.toLowerCase()] ?? env[name] ?? "").trim();

/**
 * The proxy variables of `env`, or undefined when neither HTTPS_PROXY nor HTTP_PROXY is set. A value
 * without a scheme is taken as http://, as curl does; one that is not an http(s) proxy URL is a
 * config error (exit 3) rather than a failure on the first request.
 */
export function proxySettings(env: Env): ProxySettings | undefined {
  const httpProxy = proxyUrl(env, "HTTP_PROXY");
  const httpsProxy = proxyUrl(env, "HTTPS_PROXY");
  if (httpProxy === "" && httpsProxy === "") return undefined;
  return { httpProxy, httpsProxy, noProxy: pick(env, "NO_PROXY") };
}

function proxyUrl(env: Env, name: string): string {
  const value = pick(env, name);
  if (value === "") return "";
  const text = value.includes("://") ? value : `http://${value}`;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    // refused below
  }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "")
    throw configError(
      `${name} is not an http(s) proxy URL: ${url === undefined ? "unparsable" : `${url.protocol} proxy`}`,
      `write it as http://HOST:PORT (or http://USER:PASSWORD@HOST:PORT); SOCKS proxies are not supported`,
    );
  return text;
}

/** One agent per distinct setting for the whole process, so connections to the proxy are reused. */
const AGENTS = new Map<string, Promise<Dispatcher>>();

/**
 * undici's EnvHttpProxyAgent for the proxy `env` names, or undefined when it names none. Every value is
 * passed explicitly (an unset one as ""), so the agent never falls back to process.env behind the
 * command's back. NO_PROXY is honoured per request, so loopback emulators can stay direct.
 */
export function proxyDispatcher(env: Env): Promise<Dispatcher> | undefined {
  const settings = proxySettings(env);
  if (settings === undefined) return undefined;
  const key = JSON.stringify(settings);
  let agent = AGENTS.get(key);
  if (agent === undefined) {
    agent = import("undici").then(({ EnvHttpProxyAgent }) =>
      withoutExperimentalWarning(
        () =>
          // proxyTunnel false: plain-http targets go as absolute-form requests, as curl sends them
          // (https targets still tunnel with CONNECT); undici 6 would CONNECT for both.
          new EnvHttpProxyAgent({ ...settings, proxyTunnel: false } as ConstructorParameters<
            typeof EnvHttpProxyAgent
          >[0]),
      ),
    );
    AGENTS.set(key, agent);
  }
  return agent;
}

/**
 * undici 6 prints "EnvHttpProxyAgent is experimental" (UNDICI-EHPA) on stderr when one is made: noise
 * on every proxied command for a class whose behaviour whtool pins in its tests. Only that warning is
 * held back, only while the agent is built.
 */
function withoutExperimentalWarning<T>(build: () => T): T {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const code = typeof rest[0] === "object" ? (rest[0] as { code?: string } | null)?.code : rest[1];
    if (code === "UNDICI-EHPA") return;
    (emit as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return build();
  } finally {
    process.emitWarning = emit;
  }
}

/**
 * `fetchFn` itself when `env` names no proxy; otherwise undici's fetch through the proxy agent, loaded
 * on the first call (so `whtool verify` with a JWKS file never loads undici).
 */
export function proxiedFetch(env: Env, fetchFn: typeof fetch): typeof fetch {
  if (proxySettings(env) === undefined) return fetchFn;
  return async (input, init) => {
    const [{ fetch: undiciFetch }, dispatcher] = await Promise.all([
      import("undici"),
      proxyDispatcher(env) as Promise<Dispatcher>,
    ]);
    const url = input instanceof Request ? input.url : input;
    const response = await undiciFetch(url as string | URL, {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher,
    });
    return response as unknown as Response;
  };
}
