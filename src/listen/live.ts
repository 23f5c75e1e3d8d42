import type { CaptureWriter } from "../adapters/capture.js";
import { type ListenerHandle, startListener } from "../adapters/listener.js";
import { type NgrokForward, openNgrokTunnel, probePublicUrl, type Tunnel } from "../adapters/tunnel.js";
import type { Context } from "../context.js";
import type { DedupeIndex } from "../core/dedupe.js";
import type { DeliveryEvent, ListenEvent } from "../core/events.js";
import type { ProviderId } from "../core/provider-id.js";
import { tunnelError, usageError } from "../errors.js";
import type { ResponseScript } from "./respond.js";
import { ListenSession, type SessionOptions } from "./session.js";
import type { VerifyOptionsSource } from "./verify-cache.js";

export interface LiveOptions {
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly maxBody: number;
  readonly dedupe: DedupeIndex;
  readonly verifyOptions: VerifyOptionsSource;
  readonly doctor?: SessionOptions["doctor"];
  readonly provider?: ProviderId;
  readonly capture?: CaptureWriter;
  readonly respond?: ResponseScript;
  readonly forwardTo?: string;
  /**
   * Keep every delivery (bodies included) in `deliveries`, for reports: smoke and demo, which are
   * short. Listen, which may run for days, does not; waitFor works either way.
   */
  readonly retain: boolean;
  /** ngrok, or none (with an optional URL the user already routes here). Its state is reported as events. */
  readonly tunnel: {
    readonly mode: "ngrok" | "none";
    readonly publicUrl?: string;
    readonly domain?: string;
    /** Skip the one GET through the public URL after the tunnel opens (--no-probe). */
    readonly noProbe?: boolean;
    /** Tests: the ngrok SDK's forward(), injected (no ngrok can be reached here). */
    readonly forward?: NgrokForward;
  };
}

const NGROK_CONNECT_TIMEOUT_MS = 15_000;

/**
 * A running listener: local server, optional tunnel, the session that captures and verifies, and
 * every delivery seen so far. `listen`, `smoke` and `demo` all run one.
 */
export class LiveListener {
  private constructor(
    /** Every delivery seen, from the first (even one that arrives while the tunnel is connecting). */
    readonly deliveries: DeliveryEvent[],
    private readonly waiters: Set<(event: DeliveryEvent) => void>,
    private readonly listener: ListenerHandle,
    private readonly tunnel: Tunnel | undefined,
    private readonly capture: CaptureWriter | undefined,
    /** The webhook URL on this machine. */
    readonly localUrl: string,
    /** The webhook URL on the internet (tunnel or --public-url), if any. */
    readonly publicUrl: string | null,
  ) {}

  static async start(
    options: LiveOptions,
    ctx: Context,
    onEvent: (event: ListenEvent) => void,
  ): Promise<LiveListener> {
    const deliveries: DeliveryEvent[] = [];
    const waiters = new Set<(event: DeliveryEvent) => void>();
    const session = new ListenSession({
      path: options.path,
      maxBody: options.maxBody,
      dedupe: options.dedupe,
      now: () => ctx.now(),
      verifyOptions: options.verifyOptions,
      ...(options.doctor ? { doctor: options.doctor } : {}),
      onEvent: (event) => {
        if (event.type === "delivery") {
          if (options.retain) deliveries.push(event);
          for (const waiter of [...waiters]) waiter(event);
        }
        onEvent(event);
      },
      ...(options.provider ? { provider: options.provider } : {}),
      ...(options.capture ? { capture: options.capture } : {}),
      ...(options.respond ? { respond: options.respond } : {}),
      ...(options.forwardTo ? { forwardTo: options.forwardTo } : {}),
    });
    let listener: ListenerHandle;
    try {
      listener = await startListener(
        {
          host: options.host,
          port: options.port,
          maxBody: options.maxBody,
          now: () => ctx.now(),
          onRefused: (refusal) => session.refused(refusal),
        },
        (request) => session.handle(request),
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EADDRINUSE")
        throw usageError(
          `port ${options.port} is already in use`,
          "pick another --port, or --port 0 for a free one",
        );
      throw error;
    }
    let tunnel: Tunnel | undefined;
    try {
      if (options.tunnel.mode === "ngrok")
        tunnel = await connectTunnel(listener.port, options.tunnel, ctx, onEvent);
    } catch (error) {
      await listener.close();
      throw error;
    }
    const base = tunnel?.url ?? options.tunnel.publicUrl?.replace(/\/+$/, "");
    return new LiveListener(
      deliveries,
      waiters,
      listener,
      tunnel,
      options.capture,
      `${listener.url}${options.path}`,
      base ? `${base}${options.path}` : null,
    );
  }

  /** The URL a provider should deliver to: the public one when there is one, else the local one. */
  get webhookUrl(): string {
    return this.publicUrl ?? this.localUrl;
  }

  /**
   * Resolves true once `count` deliveries satisfy `predicate` (retained ones included), false when
   * `timeoutMs` passes or `signal` aborts first. Each new delivery is tested once.
   */
  waitFor(
    count: number,
    predicate: (event: DeliveryEvent) => boolean,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<boolean> {
    return new Promise((resolve) => {
      let matched = this.deliveries.filter(predicate).length;
      const finish = (result: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        signal?.removeEventListener("abort", aborted);
        resolve(result);
      };
      const waiter = (event: DeliveryEvent) => {
        if (predicate(event) && ++matched >= count) finish(true);
      };
      const aborted = () => finish(false);
      const timer = setTimeout(() => finish(false), timeoutMs);
      signal?.addEventListener("abort", aborted, { once: true });
      this.waiters.add(waiter);
      if (signal?.aborted) finish(false);
      else if (matched >= count) finish(true);
    });
  }

  /** Stops accepting and drains in-flight deliveries, flushes the capture, then closes the tunnel. */
  async close(): Promise<void> {
    await this.listener.close();
    await this.capture?.close();
    await this.tunnel?.close();
  }
}

async function connectTunnel(
  port: number,
  tunnel: LiveOptions["tunnel"],
  ctx: Context,
  onEvent: (event: ListenEvent) => void,
): Promise<Tunnel> {
  const authtoken = ctx.env.NGROK_AUTHTOKEN;
  if (!authtoken)
    throw tunnelError(
      "--tunnel ngrok needs NGROK_AUTHTOKEN",
      "set it in the environment or .env (https://dashboard.ngrok.com/get-started/your-authtoken), or use --public-url / --tunnel none",
    );
  const domain = tunnel.domain ?? ctx.env.NGROK_DOMAIN;
  onEvent({ type: "tunnel", state: "connecting", provider: "ngrok" });
  try {
    const opened = await openNgrokTunnel(
      {
        addr: `127.0.0.1:${port}`,
        timeoutMs: NGROK_CONNECT_TIMEOUT_MS,
        authtoken,
        ...(domain ? { domain } : {}),
        onStatus: (state) => onEvent({ type: "tunnel", state, provider: "ngrok" }),
      },
      tunnel.forward,
    );
    onEvent({ type: "tunnel", state: "open", provider: "ngrok", url: opened.url });
    if (!tunnel.noProbe) {
      const probe = await probePublicUrl(ctx.fetch, opened.url);
      onEvent(
        probe.reachable
          ? { type: "tunnel", state: "reachable", provider: "ngrok", url: opened.url }
          : { type: "tunnel", state: "unreachable", provider: "ngrok", url: opened.url, message: probe.why },
      );
    }
    return opened;
  } catch (error) {
    onEvent({ type: "tunnel", state: "failed", provider: "ngrok", message: (error as Error).message });
    throw error;
  }
}
