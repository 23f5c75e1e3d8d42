import { join, resolve } from "node:path";
import { CaptureWriter } from "../adapters/capture.js";
import { claimCapture } from "../adapters/capture-owner.js";
import { readCaptureFileStream } from "../adapters/capture-reader.js";
import { isFolderSync } from "../adapters/files.js";
import { pathExists } from "../adapters/user-files.js";
import { apiContext } from "../api/context.js";
import { apiFailure } from "../api/errors.js";
import type { ProviderApi, RegisterOutcome } from "../api/types.js";
import { doctorSetups } from "../config/credential-candidates.js";
import type { KeyFlags } from "../config/verify-options.js";
import type { Context } from "../context.js";
import type { DedupeIndex } from "../core/dedupe.js";
import { countsAsDelivery, type ListenEvent } from "../core/events.js";
import { printable } from "../core/printable.js";
import type { ProviderId } from "../core/provider-id.js";
import { parseDuration } from "../core/time.js";
import type { Verdict } from "../core/verdict.js";
import { EXIT, usageError } from "../errors.js";
import { DEFAULT_INSPECT_PORT, type Inspector, startInspector } from "../inspector/inspector.js";
import { LiveListener } from "../listen/live.js";
import { parseRespondCodes, ResponseScript } from "../listen/respond.js";
import { type VerifyOptionsSource, verifyOptionsCache } from "../listen/verify-cache.js";
import { newDedupeIndex, PROVIDERS } from "../providers/index.js";
import { type BatchedOutput, batchedOutput } from "../ui/batched-output.js";
import { emit } from "../ui/json-lines.js";
import { listenReporter } from "../ui/listen-report.js";
import { colourFor } from "../ui/style.js";
import { inspectPort, signingMaterial } from "./inspect.js";
import { registerInput } from "./register.js";

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
  readonly register?: boolean;
  /** With --register: leave the registration in place on exit. */
  readonly keep?: boolean;
  readonly link?: string;
  readonly event?: readonly string[];
  readonly webhookId?: string;
  readonly json?: boolean;
  readonly verbose?: boolean;
  /** --no-probe: skip the GET through the public URL once the tunnel is up. */
  readonly probe?: boolean;
  readonly exitAfter?: string;
  readonly timeout?: string;
  /** false with --no-inspect. */
  readonly inspect?: boolean;
  readonly inspectPort?: string;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

export async function listenCommand(flags: ListenFlags, terminal: Context): Promise<number> {
  const settings = parseFlags(flags);
  // Everything listen prints goes out in one write per turn of the event loop, not one per line.
  const stdout = batchedOutput(terminal.stdout);
  const stderr = batchedOutput(terminal.stderr);
  const ctx: Context = { ...terminal, stdout, stderr };
  try {
    return await listenWith(flags, settings, ctx, { terminal, stderr });
  } finally {
    stdout.flush();
    stderr.flush();
  }
}

async function listenWith(
  flags: ListenFlags,
  settings: ReturnType<typeof parseFlags>,
  ctx: Context,
  screen: { readonly terminal: Context; readonly stderr: BatchedOutput },
): Promise<number> {
  const say = (line: string) => ctx.stderr.write(`${line}\n`);
  const c = colourFor(ctx.stderr, ctx.env);
  if (!LOOPBACK.has(flags.host))
    say(
      c.yellow(
        `warning: listening on ${flags.host} exposes the listener beyond this machine; the default 127.0.0.1 does not`,
      ),
    );

  const dedupe = newDedupeIndex();
  let capture: CaptureWriter | undefined;
  let owner: Awaited<ReturnType<typeof claimCapture>> | undefined;
  if (flags.capture !== false) {
    const path = resolve(ctx.cwd, flags.capture);
    if (isFolderSync(path))
      throw usageError(
        `--capture ${flags.capture} is a folder; whtool appends deliveries to a file`,
        `name a file, e.g. --capture ${join(flags.capture, "captures.jsonl")}`,
      );
    if (pathExists(path)) await primeDedupe(path, dedupe, say);
    capture = await CaptureWriter.open(path);
    owner = await claimCapture(path);
    if (owner.other !== null)
      say(
        c.yellow(
          `warning: another whtool listen (pid ${owner.other}) is capturing to ${flags.capture} too: their lines interleave and neither sees the other's duplicates; give each its own --capture`,
        ),
      );
  }
  const verifyOptions = verifyOptionsCache(flags, ctx, say);
  const inspector =
    flags.inspect === false
      ? undefined
      : await serveInspector(
          flags,
          ctx,
          flags.capture === false ? null : resolve(ctx.cwd, flags.capture),
        ).catch(async (error: unknown) => {
          await capture?.close();
          throw error;
        });

  let total = 0;
  let failed = 0;
  let unconfigured = 0;
  const startedAt = Date.now();
  const mode = flags.tunnel ?? (flags.publicUrl || !ctx.env.NGROK_AUTHTOKEN ? "none" : "ngrok");
  const report = listenReporter({
    json: flags.json === true,
    verbose: flags.verbose === true,
    out: { stdout: ctx.stdout, stderr: screen.stderr },
    terminal: screen.terminal,
    c,
  });
  const live = await LiveListener.start(
    {
      host: flags.host,
      port: settings.port,
      path: flags.path,
      maxBody: settings.maxBody,
      dedupe,
      verifyOptions,
      doctor: doctorSetups(flags, ctx),
      retain: false,
      tunnel: {
        mode,
        ...(flags.probe === false ? { noProbe: true } : {}),
        ...(flags.publicUrl ? { publicUrl: flags.publicUrl } : {}),
        ...(flags.ngrokDomain ? { domain: flags.ngrokDomain } : {}),
      },
      ...(flags.provider ? { provider: flags.provider } : {}),
      ...(capture ? { capture } : {}),
      ...(settings.respond ? { respond: new ResponseScript(settings.respond) } : {}),
      ...(flags.forwardTo ? { forwardTo: flags.forwardTo } : {}),
    },
    ctx,
    (event) => {
      if (event.type === "delivery" && countsAsDelivery(event)) {
        total++;
        if (!event.verdict.verified) failed++;
        if (event.verdict.reason === "no_secret") unconfigured++;
      }
      if (inspector) feedInspector(inspector, event);
      report(event);
    },
  ).catch(async (error: unknown) => {
    await inspector?.close();
    await capture?.close();
    throw error;
  });

  let registered: { api: ProviderApi; outcome: RegisterOutcome } | undefined;
  try {
    if (mode === "none" && !flags.publicUrl && !flags.json)
      say(
        c.dim(
          "no tunnel: only this machine can reach the listener (set NGROK_AUTHTOKEN for an ngrok URL, or --public-url URL)",
        ),
      );
    const capturePath = flags.capture === false ? null : flags.capture;
    if (flags.register) registered = await registerHere(live, flags, ctx, verifyOptions);
    // Settings for a forced provider are built now, so a missing secret is reported before the first delivery.
    if (flags.provider) verifyOptions(flags.provider);
    if (flags.json)
      emit(ctx, {
        type: "ready",
        local: live.localUrl,
        public: live.publicUrl,
        capture: capturePath,
        provider: flags.provider ?? null,
        inspector: inspector?.url ?? null,
      });
    else {
      say(
        `${c.bold("listening")} on ${live.localUrl}${live.publicUrl ? `\n${c.bold("public URL")} ${live.publicUrl}` : ""}`,
      );
      say(c.dim(capturePath ? `capturing every delivery to ${capturePath}` : "not capturing (--no-capture)"));
      if (inspector) say(`${c.bold("inspector")} ${inspector.url}`);
    }

    // Deliveries are not retained (listen may run for days): count what is still to come.
    const remaining =
      settings.exitAfter === undefined ? Number.POSITIVE_INFINITY : settings.exitAfter - total;
    const reached = await live.waitFor(
      remaining,
      countsAsDelivery,
      settings.timeoutMs ?? 2 ** 31 - 1,
      ctx.signal,
    );
    if (settings.exitAfter !== undefined && !reached && !ctx.signal.aborted) {
      say(c.red(`timed out with ${total} of ${settings.exitAfter} deliveries`));
      return EXIT.failed;
    }
    // Every failure for want of a secret is missing configuration (exit 3), as with verify.
    if (settings.exitAfter !== undefined && failed > 0)
      return unconfigured === failed ? EXIT.config : EXIT.failed;
    return EXIT.ok;
  } finally {
    await live.close();
    await owner?.release();
    await inspector?.close();
    if (registered) await unregisterOnExit(registered.api, registered.outcome, flags, ctx);
    const summary = {
      total,
      verified: total - failed,
      failed,
      seconds: Math.round((Date.now() - startedAt) / 1000),
    };
    if (flags.json)
      emit(ctx, { type: "summary", ...summary, capture: flags.capture === false ? null : flags.capture });
    else
      say(
        c.dim(
          `listened ${formatSeconds(summary.seconds)}: ${total} ${total === 1 ? "delivery" : "deliveries"}, ${summary.verified} verified, ${failed} failed${flags.capture === false || total === 0 ? "" : ` — whtool verify ${flags.capture} to see them again`}`,
        ),
      );
  }
}

/** 75 → "1m15s", 9 → "9s". */
function formatSeconds(seconds: number): string {
  const m = Math.floor(seconds / 60);
  return m > 0 ? `${m}m${String(seconds % 60).padStart(2, "0")}s` : `${seconds}s`;
}

/** Like `stripe listen`: what --register registered goes away with the listener, unless --keep. */
async function unregisterOnExit(
  api: ProviderApi,
  outcome: RegisterOutcome,
  flags: ListenFlags,
  ctx: Context,
): Promise<void> {
  const say = (line: string) => (flags.json ? undefined : ctx.stderr.write(`${line}\n`));
  const where = outcome.url ?? outcome.id ?? "the registration";
  if (flags.keep) {
    say(`kept the registration of ${where} (--keep)`);
    return;
  }
  if (!api.unregister || outcome.action === "instructions") return;
  try {
    await api.unregister(outcome, apiContext(ctx, flags.json === true));
    if (flags.json)
      emit(ctx, { type: "unregister", provider: outcome.provider, id: outcome.id, url: outcome.url });
    else say(`removed the registration of ${where}`);
  } catch (error) {
    const message = `could not remove the registration of ${where}: ${(error as Error).message}`;
    if (flags.json) emit(ctx, { type: "error", id: null, message });
    else say(`warning: ${message}`);
  }
}

/** --register: give the provider this listener's URL (public if any, else local, e.g. for an emulator). */
async function registerHere(
  live: LiveListener,
  flags: ListenFlags,
  ctx: Context,
  verifyOptions: VerifyOptionsSource,
): Promise<{ api: ProviderApi; outcome: RegisterOutcome }> {
  if (!flags.provider)
    throw usageError("--register needs --provider", "e.g. whtool listen --provider dfns --register");
  if (!live.publicUrl && !flags.json)
    ctx.stderr.write(
      "registering the local URL: only reachable from this machine (e.g. the built-in emulator)\n",
    );
  const api = await PROVIDERS[flags.provider].api();
  try {
    const outcome = await api.register(
      registerInput({
        url: live.webhookUrl,
        ...(flags.link ? { link: flags.link } : {}),
        ...(flags.event ? { event: flags.event } : {}),
        ...(flags.webhookId ? { webhookId: flags.webhookId } : {}),
        ...(flags.secret ? { secret: flags.secret } : {}),
      }),
      apiContext(ctx, flags.json === true),
    );
    verifyOptions.reset(); // register may have saved a new secret
    if (flags.json) emit(ctx, { type: "register", ...outcome });
    else {
      // The outcome's "Next: whtool listen …" advice is moot here: this is the listener.
      const lines = outcome.message.split("\n").filter((line) => !line.startsWith("Next:"));
      lines.push(
        `Next: in another shell, whtool trigger --provider ${flags.provider}${flags.keep ? "" : " (the registration is removed when listen stops; --keep keeps it)"}`,
      );
      ctx.stderr.write(`${lines.join("\n")}\n`);
    }
    return { api, outcome };
  } catch (error) {
    throw apiFailure(PROVIDERS[flags.provider].info.name, "register", error);
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
  // --forward-to and --public-url arrive parsed and normalised (cli-options.ts urlOption).
  return { port, maxBody, respond, exitAfter, timeoutMs };
}

/**
 * Remembers the events already in the capture file, so duplicates are caught across restarts.
 * Streamed: only each record's dedupe key and id are kept, whatever the file's size.
 */
async function primeDedupe(path: string, dedupe: DedupeIndex, say: (line: string) => void): Promise<void> {
  for await (const line of readCaptureFileStream(path)) {
    if (!("record" in line)) {
      say(`warning: ${printable(line.warning)}`);
      continue;
    }
    const verdict = line.record.verdict as Partial<Verdict> | null;
    if (verdict && typeof verdict === "object" && verdict.provider && verdict.dedupeKey)
      dedupe.observe(line.record.id, {
        provider: verdict.provider,
        dedupeKey: verdict.dedupeKey,
        meta: verdict.meta ?? {},
      });
  }
}
/** The inspector beside the listener: 4040 (or the next free port) unless --inspect-port names one. */
function serveInspector(flags: ListenFlags, ctx: Context, capture: string | null): Promise<Inspector> {
  const port = inspectPort(flags.inspectPort, "--inspect-port");
  return startInspector({
    port: port ?? DEFAULT_INSPECT_PORT,
    nextFree: port === undefined,
    indexFirst: false,
    portFlag: "--inspect-port",
    capture,
    forwardTo: flags.forwardTo ?? null,
    material: signingMaterial(ctx, flags),
    now: () => ctx.now(),
    warn: (message) => ctx.stderr.write(`warning: ${message}\n`),
  });
}

/** Each delivery as listen captured it (the file has it too; the store keeps one row), and each forward answer. */
function feedInspector(inspector: Inspector, event: ListenEvent): void {
  // The line listen captured, with the answer finally given (a forwarded one was written before it).
  if (event.type === "delivery") inspector.live({ ...event.record, response: { status: event.status } });
  else if (event.type === "forward")
    inspector.store.attachForward(event.id, {
      url: event.url,
      status: event.status,
      error: event.error,
      durationMs: event.durationMs,
      headers: event.headers,
      bodyBase64: event.bodyBase64,
    });
}
