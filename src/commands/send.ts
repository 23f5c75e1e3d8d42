import { resolve } from "node:path";
import { writePrivateFileAtomic } from "../adapters/files.js";
import { postRaw } from "../adapters/http-post.js";
import type { KeyServer } from "../adapters/key-server.js";
import { checkKey } from "../check/keys.js";
import type { SecretFlags } from "../config/secrets.js";
import { type SigningSetup, signingSetup, trustEnvText } from "../config/signing-credentials.js";
import type { Context } from "../context.js";
import type { ProviderId } from "../core/provider-id.js";
import { didYouMean } from "../core/suggest.js";
import { EXIT, networkError, usageError } from "../errors.js";
import { PROVIDERS } from "../providers/index.js";
import { jwksOf } from "../providers/signing-key.js";
import { answered2xx, answerText } from "../ui/answer-text.js";
import { emit } from "../ui/json-lines.js";
import { colourFor } from "../ui/style.js";

export interface SendFlags extends SecretFlags {
  readonly provider: ProviderId;
  /** Normalised by the option's parser. */
  readonly to: string;
  readonly event?: string;
  readonly keyPort?: number;
  readonly count?: number;
  readonly jwksOut?: string;
  readonly audience?: string;
  readonly json?: boolean;
}

const DEFAULT_AUDIENCE = "whtool-check";

export async function sendCommand(flags: SendFlags, ctx: Context): Promise<number> {
  const target = flags.to;
  const count = flags.count ?? 1;
  const outbound = await PROVIDERS[flags.provider].outbound();
  const event = outbound.canonicalEvent(flags.event ?? outbound.events[0] ?? "");
  if (event === undefined)
    throw usageError(
      `--event ${flags.event}: not a ${flags.provider} event`,
      `${didYouMean(flags.event ?? "", outbound.events)}use one of: ${outbound.events.join(", ")}`,
    );

  const say = (line: string) => ctx.stderr.write(`${line}\n`);
  const c = colourFor(ctx.stdout, ctx.env);
  let keyServer: KeyServer | undefined;
  try {
    // JWT providers sign with whtool's test key served on loopback; HMAC providers with the secret listen would use.
    const setup = await signingSetup(
      {
        ...flags,
        audience: flags.audience ?? DEFAULT_AUDIENCE,
        // The key check signs with, kept under .whtool/ and served on --key-port (4998): a receiver set
        // up once (MONEYKIT_API_URL / PPS_TRUSTED_ISSUERS) trusts send and check alike, across runs.
        key: (alg) => checkKey(ctx.cwd, alg),
        keyPort: flags.keyPort ?? 4998,
        cwd: ctx.cwd,
        noSecretHint: (secretEnv) =>
          `pass --secret VALUE or set ${secretEnv} (the same value your receiver verifies with)`,
      },
      ctx.env,
    );
    keyServer = setup.keyServer;
    const { credentials } = setup;
    if (keyServer && flags.jwksOut !== undefined && credentials.key) {
      await writePrivateFileAtomic(
        resolve(ctx.cwd, flags.jwksOut),
        `${JSON.stringify(jwksOf([credentials.key]), null, 2)}\n`,
      );
      say(`wrote the JWKS to ${flags.jwksOut} (verify offline with --jwks-file ${flags.jwksOut})`);
    }
    if (keyServer) announceKeys(flags.provider, setup, say, flags.json ? ctx : undefined);

    let failed = 0;
    let unreachable = 0;
    for (let n = 1; n <= count; n++) {
      const delivery = await outbound.build(event, credentials, ctx.now());
      const result = await postRaw(target, delivery.headers, delivery.body);
      const ok = answered2xx(result);
      if (!ok) failed++;
      if (result.status === null) unreachable++;
      if (flags.json)
        emit(ctx, {
          type: "send",
          provider: flags.provider,
          event,
          eventId: delivery.eventId,
          to: target,
          status: result.status,
          error: result.error,
          durationMs: result.durationMs,
        });
      else
        ctx.stdout.write(
          `${count > 1 ? `${n}/${count} ` : ""}${flags.provider} ${event} ${c.dim(delivery.eventId)} → ${answerText(result, c)}\n`,
        );
    }
    if (unreachable === count)
      throw networkError(
        `nothing answered at ${target}`,
        "is the receiver running and listening on that port?",
      );
    return failed === 0 ? EXIT.ok : EXIT.failed;
  } finally {
    await keyServer?.close();
  }
}

function announceKeys(
  provider: ProviderId,
  { trustEnv: env, jwksUrl }: SigningSetup,
  say: (line: string) => void,
  json: Context | undefined,
): void {
  if (json) emit(json, { type: "keys", provider, jwksUrl, env });
  else
    say(`signing with whtool's test key (the same as check's), served while this runs: ${trustEnvText(env)}`);
}
