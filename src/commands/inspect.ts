import { join, resolve } from "node:path";
import { DEFAULT_CAPTURE_FILE } from "../adapters/capture.js";
import { isFolderSync } from "../adapters/files.js";
import { StateFile } from "../adapters/state.js";
import { pathExists } from "../adapters/user-files.js";
import { checkKey, TEST_KEYS_FILE } from "../check/keys.js";
import { resolveSecrets, type SecretFlags } from "../config/secrets.js";
import type { Context } from "../context.js";
import { untilAborted } from "../core/time.js";
import { EXIT, usageError } from "../errors.js";
import { DEFAULT_INSPECT_PORT, type Inspector, startInspector } from "../inspector/inspector.js";
import type { SigningMaterial } from "../inspector/resign.js";
import { emit } from "../ui/json-lines.js";

export interface InspectFlags {
  readonly port?: string;
  readonly json?: boolean;
}

/** Serves the inspector over a capture file, following it as it grows, until Ctrl-C. */
export async function inspectCommand(
  file: string | undefined,
  flags: InspectFlags,
  ctx: Context,
): Promise<number> {
  const source = file ?? DEFAULT_CAPTURE_FILE;
  const path = resolve(ctx.cwd, source);
  if (!pathExists(path))
    throw usageError(
      `${source} does not exist`,
      file === undefined ? "capture deliveries with whtool listen first, or name a capture file" : undefined,
    );
  if (isFolderSync(path))
    throw usageError(`${source} is a folder`, `name a file, e.g. ${join(source, "captures.jsonl")}`);
  const port = inspectPort(flags.port, "--port");
  const inspector = await startInspector({
    port: port ?? DEFAULT_INSPECT_PORT,
    nextFree: port === undefined,
    indexFirst: true,
    portFlag: "--port",
    capture: path,
    forwardTo: null,
    material: signingMaterial(ctx, {}),
    now: () => ctx.now(),
    warn: (message) => ctx.stderr.write(`warning: ${message}\n`),
  });
  try {
    announce(inspector, source, flags, ctx);
    await untilAborted(ctx.signal);
    return EXIT.ok;
  } finally {
    await inspector.close();
  }
}

function announce(inspector: Inspector, source: string, flags: InspectFlags, ctx: Context): void {
  if (flags.json)
    emit(ctx, { type: "ready", inspector: inspector.url, capture: source, deliveries: inspector.store.size });
  else
    ctx.stderr.write(
      `inspector ${inspector.url}\n  serving ${source} (${inspector.store.size} deliveries), following it as it grows; Ctrl-C to stop\n`,
    );
}

/** A port flag: a number 0-65535, or undefined when not given. */
export function inspectPort(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw usageError(`${flag} ${value}: not a port number`);
  return port;
}

/**
 * What the inspector may re-sign with: the secret listen/verify would use, and whtool's persisted
 * test key — only if it already exists (the inspector never creates keys).
 */
export function signingMaterial(ctx: Context, flags: SecretFlags): SigningMaterial {
  return {
    async secret(provider) {
      const saved = (
        await StateFile.in(ctx.cwd)
          .secrets(provider)
          .catch(() => [])
      ).map((s) => s.secret);
      return resolveSecrets(provider, flags, ctx.env, saved)[0];
    },
    async testKey(alg) {
      if (!pathExists(join(ctx.cwd, TEST_KEYS_FILE))) return undefined;
      return checkKey(ctx.cwd, alg).catch(() => undefined);
    },
  };
}
