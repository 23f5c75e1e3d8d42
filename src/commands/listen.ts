import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { CaptureWriter, readCaptureFile } from "../adapters/capture.js";
import { startListener } from "../adapters/listener.js";
import { openNgrokTunnel, type Tunnel } from "../adapters/tunnel.js";
import { type KeyFlags, verifyOptionsFor } from "../config/verify-options.js";
import type { Context } from "../context.js";
import { DedupeIndex } from "../core/dedupe.js";
import type { ProviderId } from "../core/provider-id.js";
import { parseDuration } from "../core/time.js";
import type { Verdict } from "../core/verdict.js";
import { EXIT, tunnelError, usageError, WhtoolError } from "../errors.js";
import { parseRespondCodes, ResponseScript } from "../listen/respond.js";
import { type ListenEvent, ListenSession } from "../listen/session.js";
import type { VerifyOptions } from "../providers/types.js";
import { deliveryLine, emit } from "../ui/json-lines.js";
import { formatDeliveryEvent, formatForwardEvent } from "../ui/listen-text.js";
import { colourFor } from "../ui/style.js";

export interface ListenFlags extends KeyFlags {
  readonly provider?: ProviderId;
  readonly port: string;
  readonly host: string;
  readonly path: string;
  readonly tunnel?: "ngrok" | "none";
  readonly publicUrl?: string;
  readonly ngrokDomain?: string;
  readonly forwardTo?: string;
  readonly respond?: string;
  readonly capture: string | false;
  readonly maxBody: string;
  readonly json?: boolean;
  readonly verbose?: boolean;
  readonly exitAfter?: string;
  readonly timeout?: string;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);
const NGROK_CONNECT_TIMEOUT_MS = 15_000;

export async function listenCommand(flags: ListenFlags, ctx: Context): Promise<number> {
  const settings = parseFlags(flags);
  const say = (line: string) => ctx.stderr.write(`${line}\n`);
  const c = colourFor(ctx.stderr, ctx.env);
  if (!LOOPBACK.has(flags.host))
    say(
      c.yellow(
        `warning: listening on ${flags.host} exposes the listener beyond this machine; the default 127.0.0.1 does not`,
      ),
    );

  const dedupe = new DedupeIndex();
  let capture: CaptureWriter | undefined;
  if (flags.capture !== false) {
    const path = resolve(ctx.cwd, flags.capture);
    if (existsSync(path)) await primeDedupe(path, dedupe, say);
    capture = await CaptureWriter.open(path);
  }

  let total = 0;
  let failed = 0;
  let reachedCount: () => void = () => undefined;
  const countReached = new Promise<void>((done) => {
    reachedCount = done;
  });
  const onEvent = (event: ListenEvent) => {
    if (event.type === "delivery") {
      total++;
      if (!event.verdict.verified) failed++;
      if (settings.exitAfter !== undefined && total >= settings.exitAfter) reachedCount();
    }
    report(event, flags, ctx, c);
  };
  const verifyOptions = verifyOptionsCache(flags, ctx, say);
  if (flags.provider) verifyOptions(flags.provider); // warn about missing secrets now, not at the first delivery
  const session = new ListenSession({
    path: flags.path,
    maxBody: settings.maxBody,
    dedupe,
    verifyOptions,
    onEvent,
    ...(flags.provider ? { provider: flags.provider } : {}),
    ...(capture ? { capture } : {}),
    ...(settings.respond ? { respond: new ResponseScript(settings.respond) } : {}),
    ...(flags.forwardTo ? { forwardTo: flags.forwardTo } : {}),
  });

  let listener: Awaited<ReturnType<typeof startListener>> | undefined;
  let tunnel: Tunnel | undefined;
  try {
    try {
      listener = await startListener(
        { host: flags.host, port: settings.port, maxBody: settings.maxBody, now: () => ctx.now() },
        (r) => session.handle(r),
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EADDRINUSE")
        throw usageError(
          `port ${settings.port} is already in use`,
          "pick another --port, or --port 0 for a free one",
        );
      throw error;
    }
    const local = `${listener.url}${flags.path}`;
    let publicBase = flags.publicUrl?.replace(/\/+$/, "");
    const mode = flags.tunnel ?? (flags.publicUrl || !ctx.env.NGROK_AUTHTOKEN ? "none" : "ngrok");
    if (mode === "ngrok") {
      tunnel = await connectTunnel(listener.port, flags, ctx);
      publicBase = tunnel.url;
    } else if (!flags.publicUrl && !flags.json)
      say(
        c.dim(
          "no tunnel: only this machine can reach the listener (set NGROK_AUTHTOKEN for an ngrok URL, or --public-url URL)",
        ),
      );
    const publicUrl = publicBase ? `${publicBase}${flags.path}` : null;
    const capturePath = flags.capture === false ? null : flags.capture;
    if (flags.json)
      emit(ctx, {
        type: "ready",
        local,
        public: publicUrl,
        capture: capturePath,
        provider: flags.provider ?? null,
      });
    else {
      say(`${c.bold("listening")} on ${local}${publicUrl ? `\n${c.bold("public URL")} ${publicUrl}` : ""}`);
      say(c.dim(capturePath ? `capturing every delivery to ${capturePath}` : "not capturing (--no-capture)"));
    }

    const timedOut = await waitForEnd(ctx.signal, countReached, settings.timeoutMs);
    if (settings.exitAfter !== undefined && timedOut) {
      say(c.red(`timed out with ${total} of ${settings.exitAfter} deliveries`));
      return EXIT.failed;
    }
    if (settings.exitAfter !== undefined && failed > 0) return EXIT.failed;
    return EXIT.ok;
  } finally {
    // Stop accepting and drain in-flight deliveries, flush the capture, then close the tunnel.
    await listener?.close();
    await capture?.close();
    await tunnel?.close();
  }
}

function parseFlags(flags: ListenFlags) {
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw usageError(`--port ${flags.port}: not a port number`);
  if (!flags.path.startsWith("/")) throw usageError(`--path ${flags.path}: must start with /`);
  const maxBody = Number(flags.maxBody);
  if (!Number.isInteger(maxBody) || maxBody < 1)
    throw usageError(`--max-body ${flags.maxBody}: give a number of bytes`);
  const respond = flags.respond === undefined ? undefined : parseRespondCodes(flags.respond);
  if (flags.respond !== undefined && !respond)
    throw usageError(`--respond ${flags.respond}: give status codes 200-599, e.g. 200 or 500,500,200`);
  const exitAfter = flags.exitAfter === undefined ? undefined : Number(flags.exitAfter);
  if (exitAfter !== undefined && !(Number.isInteger(exitAfter) && exitAfter > 0))
    throw usageError(`--exit-after ${flags.exitAfter}: give a number of deliveries`);
  const timeoutMs = flags.timeout === undefined ? undefined : parseDuration(flags.timeout);
  if (flags.timeout !== undefined && !timeoutMs)
    throw usageError(`--timeout ${flags.timeout}: give a duration like 30s or 2m`);
  for (const [name, value] of [
    ["--forward-to", flags.forwardTo],
    ["--public-url", flags.publicUrl],
  ] as const) {
    if (value !== undefined && !/^https?:\/\/[^/]/.test(value))
      throw usageError(`${name} ${value}: give an http(s) URL`);
  }
  return { port, maxBody, respond, exitAfter, timeoutMs };
}

/** Remembers the events already in the capture file, so duplicates are caught across restarts. */
async function primeDedupe(path: string, dedupe: DedupeIndex, say: (line: string) => void): Promise<void> {
  const { records, warnings } = await readCaptureFile(path);
  for (const warning of warnings) say(`warning: ${warning}`);
  for (const record of records) {
    const verdict = record.verdict as Partial<Verdict> | null;
    if (verdict && typeof verdict === "object" && verdict.provider && verdict.dedupeKey)
      dedupe.observe(record.id, {
        provider: verdict.provider,
        dedupeKey: verdict.dedupeKey,
        meta: verdict.meta ?? {},
      });
  }
}

/** Verification settings per provider, built once; a missing secret is a warning and `no_secret` verdicts. */
function verifyOptionsCache(flags: KeyFlags, ctx: Context, say: (line: string) => void) {
  const cache = new Map<ProviderId, Omit<VerifyOptions, "at">>();
  return (provider: ProviderId): Omit<VerifyOptions, "at"> => {
    let options = cache.get(provider);
    if (!options) {
      try {
        options = verifyOptionsFor(provider, flags, ctx);
      } catch (error) {
        if (!(error instanceof WhtoolError) || error.exitCode !== EXIT.config) throw error;
        say(
          `warning: ${provider} deliveries will not verify: ${error.message}${error.hint ? ` — ${error.hint}` : ""}`,
        );
        options = { secrets: [], trustedIssuers: [] };
      }
      cache.set(provider, options);
    }
    return options;
  };
}

async function connectTunnel(port: number, flags: ListenFlags, ctx: Context): Promise<Tunnel> {
  if (!ctx.env.NGROK_AUTHTOKEN)
    throw tunnelError(
      "--tunnel ngrok needs NGROK_AUTHTOKEN",
      "set it in the environment or .env (https://dashboard.ngrok.com/get-started/your-authtoken), or use --public-url / --tunnel none",
    );
  const domain = flags.ngrokDomain ?? ctx.env.NGROK_DOMAIN;
  const spinner =
    ctx.stderr.isTTY && !flags.json
      ? (await import("ora")).default({ text: "opening an ngrok tunnel…", stream: process.stderr }).start()
      : undefined;
  try {
    const tunnel = await openNgrokTunnel({
      addr: `127.0.0.1:${port}`,
      timeoutMs: NGROK_CONNECT_TIMEOUT_MS,
      authtoken: ctx.env.NGROK_AUTHTOKEN,
      ...(domain ? { domain } : {}),
    });
    spinner?.succeed(`ngrok tunnel open: ${tunnel.url}`);
    return tunnel;
  } catch (error) {
    spinner?.fail("ngrok tunnel failed");
    throw error;
  }
}

/** Resolves true on timeout, false on Ctrl-C/SIGTERM or when the delivery count is reached. */
function waitForEnd(
  signal: AbortSignal,
  countReached: Promise<void>,
  timeoutMs: number | undefined,
): Promise<boolean> {
  return new Promise((done) => {
    if (signal.aborted) return done(false);
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => done(true), timeoutMs);
    const stop = () => {
      clearTimeout(timer);
      done(false);
    };
    signal.addEventListener("abort", stop, { once: true });
    void countReached.then(stop);
  });
}

function report(event: ListenEvent, flags: ListenFlags, ctx: Context, c: ReturnType<typeof colourFor>): void {
  if (flags.json) {
    if (event.type === "delivery")
      emit(ctx, {
        ...deliveryLine(event.delivery.id, event.verdict, event.duplicateOf),
        receivedAt: event.delivery.receivedAt.toISOString(),
        path: event.delivery.path,
        status: event.status,
        skewS: event.skewS,
        note: event.note,
      });
    else emit(ctx, { ...event });
    return;
  }
  if (event.type === "delivery") ctx.stderr.write(formatDeliveryEvent(event, c, flags.verbose === true));
  else if (event.type === "forward") ctx.stderr.write(formatForwardEvent(event, c));
  else ctx.stderr.write(c.red(`error${event.id ? ` (${event.id})` : ""}: ${event.message}\n`));
}
