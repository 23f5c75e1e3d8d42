import { resolve } from "node:path";
import { writePrivateFileAtomic } from "../adapters/files.js";
import type { Context } from "../context.js";
import { PROVIDER_IDS, type ProviderId, toProviderId, unknownProviderHint } from "../core/provider-id.js";
import { untilAborted } from "../core/time.js";
import type { AttemptRecord } from "../emulators/delivery-engine.js";
import type { RunningEmulator } from "../emulators/types.js";
import { EXIT, usageError } from "../errors.js";
import { PROVIDERS } from "../providers/index.js";
import { emit } from "../ui/json-lines.js";
import { colourFor } from "../ui/style.js";

export interface EmulateFlags {
  readonly provider?: string;
  readonly detach?: boolean;
  readonly stop?: boolean;
  /** Parsed where declared (cli-options.ts portOption). */
  readonly port?: number;
  readonly timeScale?: string;
  readonly writeEnv?: string;
  readonly json?: boolean;
}

/** Starts the emulators asked for, prints how to point whtool at them, and serves until Ctrl-C. */
export async function emulateCommand(flags: EmulateFlags, ctx: Context): Promise<number> {
  if (flags.stop) return stopCommand(flags, ctx);
  if (flags.provider === undefined)
    throw usageError("--provider is required", `use all or one of ${PROVIDER_IDS.join(", ")}`);
  const ids = parseProviders(flags.provider);
  const port = flags.port ?? 0;
  if (port > 65535 - ids.length)
    throw usageError(`--port ${port}: too high for ${ids.length} emulators, one port each from there`);
  const timeScale = flags.timeScale === undefined ? 1 : Number(flags.timeScale);
  if (!(timeScale > 0 && timeScale <= 1))
    throw usageError(`--time-scale ${flags.timeScale}: give a number in (0, 1]`);

  if (flags.detach) return detachCommand(ids, flags, ctx);

  const running = await startAll(ids, port, timeScale);
  try {
    const c = colourFor(ctx.stderr, ctx.env);
    for (const emulator of running) {
      if (flags.json)
        emit(ctx, { type: "ready", provider: emulator.provider, url: emulator.url, env: emulator.env });
      else {
        ctx.stderr.write(`${c.bold(emulator.provider)} emulator at ${emulator.url}\n`);
        for (const [name, value] of Object.entries(emulator.env))
          ctx.stdout.write(`export ${name}=${shellQuote(value)}\n`);
      }
      emulator.engine.onAttempt((record) =>
        reportAttempt(record, emulator.provider, flags.json === true, ctx),
      );
    }
    if (flags.writeEnv !== undefined) {
      const path = resolve(ctx.cwd, flags.writeEnv);
      const lines = running.flatMap((e) =>
        Object.entries(e.env).map(([k, v]) => `${k}=${JSON.stringify(v)}`),
      );
      await writePrivateFileAtomic(path, `${lines.join("\n")}\n`);
      ctx.stderr.write(`wrote the emulators' environment to ${flags.writeEnv} (mode 0600)\n`);
    }
    if (!flags.json) ctx.stderr.write(c.dim("serving on loopback; Ctrl-C to stop\n"));
    await untilAborted(ctx.signal);
    return EXIT.ok;
  } finally {
    await Promise.all(running.map((emulator) => emulator.close()));
  }
}

/** `--detach`: the emulators run in the background; only the export lines reach stdout. */
async function detachCommand(ids: readonly ProviderId[], flags: EmulateFlags, ctx: Context): Promise<number> {
  if (flags.writeEnv !== undefined)
    throw usageError(
      "--write-env does not go with --detach",
      "redirect the export lines instead: > .env.emulators",
    );
  const args = [
    ...(flags.port === undefined ? [] : ["--port", String(flags.port)]),
    ...(flags.timeScale === undefined ? [] : ["--time-scale", flags.timeScale]),
  ];
  const { startDetached } = await import("./emulate-detach.js");
  const started = await startDetached(ids, args, ctx);
  const c = colourFor(ctx.stderr, ctx.env);
  for (const emulator of started) {
    if (flags.json)
      emit(ctx, {
        type: "ready",
        provider: emulator.provider,
        url: emulator.url,
        env: emulator.env,
        detached: true,
      });
    else {
      ctx.stderr.write(`${c.bold(emulator.provider)} emulator at ${emulator.url} (in the background)\n`);
      for (const [name, value] of Object.entries(emulator.env))
        ctx.stdout.write(`export ${name}=${shellQuote(value)}\n`);
    }
  }
  if (!flags.json)
    ctx.stderr.write(
      c.dim(
        `stop it with: whtool emulate --stop${flags.provider === "all" ? "" : ` --provider ${ids.join(",")}`}\n`,
      ),
    );
  return EXIT.ok;
}

async function stopCommand(flags: EmulateFlags, ctx: Context): Promise<number> {
  const ids =
    flags.provider === undefined || flags.provider === "all" ? "all" : parseProviders(flags.provider);
  const { stopDetached } = await import("./emulate-detach.js");
  const { stopped, stale } = await stopDetached(ids, ctx);
  for (const entry of stopped) {
    if (flags.json) emit(ctx, { type: "stopped", provider: entry.provider, url: entry.url, pid: entry.pid });
    else ctx.stdout.write(`stopped the ${entry.provider} emulator at ${entry.url} (pid ${entry.pid})\n`);
  }
  for (const entry of stale)
    ctx.stderr.write(`the ${entry.provider} emulator (pid ${entry.pid}) had already ended\n`);
  if (stopped.length === 0 && stale.length === 0) {
    ctx.stderr.write(
      "no emulator is running in the background here (started with --detach in this folder)\n",
    );
    return EXIT.failed;
  }
  return EXIT.ok;
}

function parseProviders(value: string): ProviderId[] {
  if (value.trim().toLowerCase() === "all") return [...PROVIDER_IDS];
  return value.split(",").map((given) => {
    const id = toProviderId(given);
    if (id === undefined)
      throw usageError(
        `--provider ${given.trim()}: unknown provider`,
        `all, or ${unknownProviderHint(given)}`,
      );
    return id;
  });
}

async function startAll(
  ids: readonly ProviderId[],
  port: number,
  timeScale: number,
): Promise<RunningEmulator[]> {
  const running: RunningEmulator[] = [];
  try {
    for (const [i, id] of ids.entries()) {
      const start = await PROVIDERS[id].emulator();
      running.push(await start({ port: port === 0 ? 0 : port + i, timeScale }));
    }
    return running;
  } catch (error) {
    await Promise.all(running.map((emulator) => emulator.close()));
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE")
      throw usageError(`port ${port} is in use`, "pick another --port, or --port 0 for a free one");
    throw error;
  }
}

function reportAttempt(record: AttemptRecord, provider: ProviderId, json: boolean, ctx: Context): void {
  if (json) {
    const { headers: _headers, body: _body, ...rest } = record;
    emit(ctx, { type: "attempt", provider, ...rest });
    return;
  }
  const answer = record.status === null ? `no answer (${record.error})` : String(record.status);
  ctx.stdout.write(
    `${provider} → ${record.url} ${record.event} attempt ${record.attempt}: ${answer}, ${record.outcome}\n`,
  );
}

/** Single-quotes a value for `eval "$(whtool emulate …)"` (PEM keys span lines). */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
