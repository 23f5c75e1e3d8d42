import { tunnelError, type WhtoolError } from "../errors.js";

export interface Tunnel {
  /** The public URL, e.g. https://abc123.ngrok-free.app */
  readonly url: string;
  /** Idempotent. */
  close(): Promise<void>;
}

/** The part of `@ngrok/ngrok` whtool uses, so tests can inject a fake and check the options passed. */
export interface NgrokForwardOptions {
  readonly addr: string;
  readonly authtoken_from_env: true;
  /** Given explicitly too, so a token from .env (not in process.env) reaches the SDK. */
  readonly authtoken?: string;
  readonly domain?: string;
  /** The SDK calls it with "closed" when the session drops and "connected" when it is back. */
  readonly onStatusChange?: (status: string) => void;
}
export interface NgrokListener {
  url(): string | null;
  close(): Promise<void>;
}
export type NgrokForward = (options: NgrokForwardOptions) => Promise<NgrokListener>;

export interface TunnelRequest {
  /** The local listener's address, e.g. 127.0.0.1:8080 */
  readonly addr: string;
  readonly authtoken?: string;
  readonly domain?: string;
  /** The SDK has no connect timeout of its own (providers.md, Tunnels). */
  readonly timeoutMs: number;
  /** Told when the tunnel drops (the SDK then reconnects by itself) and when it is back. */
  readonly onStatus?: (status: "lost" | "restored") => void;
}

const HINT =
  "set NGROK_AUTHTOKEN (https://dashboard.ngrok.com/get-started/your-authtoken), or use --public-url URL for a URL you already route here, or --tunnel none";

/** Turns ngrok's errors into exit 5 with what to do next. */
export function mapNgrokError(error: unknown, request: TunnelRequest): WhtoolError {
  const code = (error as { errorCode?: string }).errorCode ?? "";
  const message = (error as Error).message ?? String(error);
  if (code === "ERR_NGROK_4018")
    return tunnelError("ngrok needs a verified account and an authtoken (ERR_NGROK_4018)", HINT);
  if (code === "ERR_NGROK_105")
    return tunnelError(
      "ngrok rejected the authtoken (ERR_NGROK_105)",
      "check NGROK_AUTHTOKEN: copy it again from the ngrok dashboard",
    );
  if (code === "ERR_NGROK_108")
    return tunnelError(
      "ngrok allows one agent session at a time on this account, and another is running (ERR_NGROK_108)",
      "stop the other ngrok agent or whtool listen that uses this authtoken (https://dashboard.ngrok.com/agents lists them), or use a plan with more sessions",
    );
  if (code === "ERR_NGROK_334")
    return tunnelError(
      `another ngrok session already serves ${request.domain ?? "that endpoint"} (ERR_NGROK_334)`,
      "stop the session that holds it (https://dashboard.ngrok.com/agents), or use another domain, or none for a random one",
    );
  if (code === "ERR_NGROK_326")
    return tunnelError(
      `ngrok refused the domain ${request.domain ?? ""} (ERR_NGROK_326)`,
      "use a domain reserved on your ngrok account (NGROK_DOMAIN / --ngrok-domain), or leave it unset for a random one",
    );
  if (/failed to establish tcp connection|dns|connect/i.test(message))
    return tunnelError(
      `could not reach ngrok: ${message}`,
      `check your network or proxy; or ${HINT.replace(/^set NGROK_AUTHTOKEN \([^)]*\), or /, "")}`,
    );
  return tunnelError(`ngrok failed${code ? ` (${code})` : ""}: ${message}`, HINT);
}

/** Opens an ngrok tunnel to the listener, with a connect timeout the SDK lacks. */
export async function openNgrokTunnel(request: TunnelRequest, forward?: NgrokForward): Promise<Tunnel> {
  const connect = forward ?? (await loadNgrok());
  const options: NgrokForwardOptions = {
    addr: request.addr,
    authtoken_from_env: true,
    ...(request.authtoken ? { authtoken: request.authtoken } : {}),
    ...(request.domain ? { domain: request.domain } : {}),
    ...(request.onStatus
      ? {
          onStatusChange: (status: string) => request.onStatus?.(status === "closed" ? "lost" : "restored"),
        }
      : {}),
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          tunnelError(
            `ngrok did not connect within ${Math.round(request.timeoutMs / 1000)} s`,
            `check your network; or ${HINT}`,
          ),
        ),
      request.timeoutMs,
    );
  });
  const pending = connect(options);
  let listener: NgrokListener;
  try {
    listener = await Promise.race([pending, timeout]);
  } catch (error) {
    // A connection that completes after the timeout must not linger.
    pending.then((late) => late.close()).catch(() => undefined);
    if ((error as WhtoolError).exitCode !== undefined) throw error;
    throw mapNgrokError(error, request);
  } finally {
    clearTimeout(timer);
  }
  const url = listener.url();
  if (!url) {
    await listener.close().catch(() => undefined);
    throw tunnelError("ngrok connected but gave no public URL", HINT);
  }
  let closing: Promise<void> | undefined;
  return {
    url,
    close: () => {
      closing ??= listener.close().catch(() => undefined);
      return closing;
    },
  };
}

async function loadNgrok(): Promise<NgrokForward> {
  const ngrok = (await import("@ngrok/ngrok")) as unknown as {
    forward: NgrokForward;
    default?: { forward: NgrokForward };
  };
  return ngrok.forward ?? (ngrok.default as { forward: NgrokForward }).forward;
}

/** What the public URL answered when whtool asked it for its own listener's page. */
export type ProbeResult = { readonly reachable: true } | { readonly reachable: false; readonly why: string };

/**
 * One GET through the tunnel to the listener's own page: proves the public URL reaches this
 * listener (not another agent's, nor an interstitial page), or says why not.
 */
export async function probePublicUrl(
  fetchFn: typeof fetch,
  url: string,
  timeoutMs = 10_000,
): Promise<ProbeResult> {
  try {
    const answer = await fetchFn(url, {
      headers: { "ngrok-skip-browser-warning": "1", "user-agent": "whtool-probe" },
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = (await answer.text()).slice(0, 4096);
    if (answer.status === 200 && text.includes("whtool is listening")) return { reachable: true };
    return { reachable: false, why: `it answered ${answer.status}, not this listener's page` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { reachable: false, why: cause ?? (error as Error).message };
  }
}
