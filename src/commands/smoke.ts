import { resolve } from "node:path";
import { writePrivateFileAtomic } from "../adapters/files.js";
import type { NgrokForward } from "../adapters/tunnel.js";
import { apiContext } from "../api/context.js";
import { doctorSetups } from "../config/credential-candidates.js";
import { resolveSecrets } from "../config/secrets.js";
import type { Context } from "../context.js";
import type { ProviderId } from "../core/provider-id.js";
import { configError, EXIT, tunnelError } from "../errors.js";
import { LiveListener } from "../listen/live.js";
import { verifyOptionsCache } from "../listen/verify-cache.js";
import { startEmulated } from "../loop/emulated-env.js";
import { type LoopReport, runLoop } from "../loop/run-loop.js";
import { newDedupeIndex, PROVIDERS } from "../providers/index.js";
import { emit } from "../ui/json-lines.js";
import { progress } from "../ui/progress.js";
import { formatReceived, formatSmokeOutcome, waitingText } from "../ui/smoke-text.js";
import { colourFor } from "../ui/style.js";

export interface SmokeFlags {
  readonly provider: ProviderId;
  readonly emulate?: boolean;
  readonly event?: string;
  /** Parsed where declared (cli-options.ts): a count, milliseconds, a normalised URL, a port. */
  readonly expect: number;
  readonly timeout: number;
  readonly report?: string;
  readonly publicUrl?: string;
  readonly port: number;
  readonly link?: string;
  readonly secret?: readonly string[];
  readonly secretEnv?: string;
  readonly json?: boolean;
}

/** What tests put in place of the outside world: the ngrok SDK's forward() (no ngrok is reachable here). */
export interface SmokeSeams {
  readonly forward?: NgrokForward;
}

/** CI one-shot: listen, register, trigger, wait for N verified deliveries, clean up, report, exit 0/1. */
export async function smokeCommand(flags: SmokeFlags, ctx: Context, seams: SmokeSeams = {}): Promise<number> {
  const { expect, port, timeout: timeoutMs } = flags;
  if (!flags.emulate && !flags.publicUrl && !ctx.env.NGROK_AUTHTOKEN)
    // Missing configuration (exit 3), not a tunnel failure: no tunnel was tried.
    throw configError(
      "smoke against the real provider needs a public URL",
      "set NGROK_AUTHTOKEN for an ngrok tunnel, pass --public-url URL, or use --emulate for the built-in emulator",
    );

  const emulated = flags.emulate ? await startEmulated(ctx, [flags.provider]) : undefined;
  const run = emulated?.ctx ?? ctx;
  const c = colourFor(ctx.stdout, ctx.env);
  const spinner = await progress(ctx, flags.json === true);
  let live: LiveListener | undefined;
  let report: LoopReport | undefined;
  const tunnelLost = new AbortController();
  let ticking: NodeJS.Timeout | undefined;
  try {
    const keyFlags = {
      ...(flags.secret ? { secret: flags.secret } : {}),
      ...(flags.secretEnv ? { secretEnv: flags.secretEnv } : {}),
    };
    const verifyOptions = verifyOptionsCache(keyFlags, run, (line) => spinner.note(line));
    // The secret the deliveries are verified with is the one to register, where the subscriber
    // chooses it (Bracken): else a generated one is registered and every delivery fails.
    const [chosen] = flags.secret || flags.secretEnv ? resolveSecrets(flags.provider, keyFlags, run.env) : [];
    live = await LiveListener.start(
      {
        host: "127.0.0.1",
        port,
        path: "/webhooks",
        maxBody: 1 << 20,
        dedupe: newDedupeIndex(),
        retain: true,
        verifyOptions,
        doctor: doctorSetups(keyFlags, run),
        provider: flags.provider,
        tunnel: flags.emulate
          ? { mode: "none" }
          : flags.publicUrl
            ? { mode: "none", publicUrl: flags.publicUrl }
            : { mode: "ngrok", ...(seams.forward ? { forward: seams.forward } : {}) },
      },
      run,
      (event) => {
        // A tunnel that drops mid-run fails smoke now (exit 5), not when the timeout runs out.
        if (event.type === "tunnel" && event.state === "lost") tunnelLost.abort();
      },
    );
    report = await runLoop({
      provider: flags.provider,
      live,
      api: await PROVIDERS[flags.provider].api(),
      apiCtx: apiContext(run, true),
      expect,
      timeoutMs,
      signal: AbortSignal.any([ctx.signal, tunnelLost.signal]),
      cleanup: true,
      step: (text) => {
        verifyOptions.reset(); // a registration may have saved a secret since the last step
        clearInterval(ticking);
        spinner.step(text);
        if (!text.startsWith("waiting for")) return;
        // The wait is the long part: show how many arrived and how long is left, every second.
        const deadline = Date.now() + timeoutMs;
        const tick = () => {
          const verified = live?.deliveries.filter((d) => d.verdict.verified).length ?? 0;
          spinner.step(waitingText(text, verified, expect, deadline - Date.now()));
        };
        tick();
        ticking = setInterval(tick, 1000);
        ticking.unref();
      },
      ...(flags.event ? { trigger: flags.event } : {}),
      register: { ...(flags.link ? { link: flags.link } : {}), ...(chosen ? { secret: chosen } : {}) },
    });
  } finally {
    clearInterval(ticking);
    spinner.stop();
    await live?.close();
    await emulated?.close();
  }

  if (tunnelLost.signal.aborted)
    throw tunnelError(
      "the ngrok tunnel dropped during smoke: deliveries could not reach the listener",
      "run it again; if it keeps dropping, check your network or proxy, or use --public-url with a tunnel you run",
    );
  const full = { type: "smoke", emulated: flags.emulate === true, ...report };
  if (flags.report !== undefined)
    await writePrivateFileAtomic(resolve(ctx.cwd, flags.report), `${JSON.stringify(full, null, 2)}\n`);
  if (flags.json) emit(ctx, full);
  else {
    for (const r of report.received) ctx.stdout.write(formatReceived(r, c));
    ctx.stdout.write(formatSmokeOutcome(report, flags.provider, c));
    if (flags.report !== undefined)
      ctx.stderr.write(colourFor(ctx.stderr, ctx.env).dim(`report written to ${flags.report}\n`));
  }
  if (report.passed) return EXIT.ok;
  return report.errorExitCode ?? EXIT.failed;
}
