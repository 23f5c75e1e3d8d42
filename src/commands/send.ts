import { resolve } from "node:path";
import { writePrivateFileAtomic } from "../adapters/files.js";
import { postRaw } from "../adapters/http-post.js";
import { type KeyServer, serveKeys } from "../adapters/key-server.js";
import { resolveSecrets, SECRET_ENV, type SecretFlags } from "../config/secrets.js";
import type { Context } from "../context.js";
import type { ProviderId } from "../core/provider-id.js";
import { configError, EXIT, networkError, usageError } from "../errors.js";
import { OUTBOUND } from "../providers/outbound.js";
import { generateSigningKey, jwksOf } from "../providers/signing-key.js";
import type { OutboundCredentials } from "../providers/types.js";
import { answered2xx, answerText } from "../ui/answer-text.js";
import { emit } from "../ui/json-lines.js";
import { colourFor } from "../ui/style.js";

export interface SendFlags extends SecretFlags {
  readonly provider: ProviderId;
  /** Normalised by the option's parser. */
  readonly to: string;
  readonly event?: string;
  readonly count?: number;
  readonly jwksOut?: string;
  readonly audience?: string;
  readonly json?: boolean;
}

const DEFAULT_AUDIENCE = "whtool-send";

export async function sendCommand(flags: SendFlags, ctx: Context): Promise<number> {
  const target = flags.to;
  const count = flags.count ?? 1;
  const outbound = await OUTBOUND[flags.provider]();
  const event = outbound.canonicalEvent(flags.event ?? outbound.events[0] ?? "");
  if (event === undefined)
    throw usageError(
      `--event ${flags.event}: not a ${flags.provider} event`,
      `use one of: ${outbound.events.join(", ")}`,
    );

  const say = (line: string) => ctx.stderr.write(`${line}\n`);
  const c = colourFor(ctx.stdout, ctx.env);
  let keyServer: KeyServer | undefined;
  try {
    const credentials = await credentialsFor(flags, ctx, async (server) => {
      keyServer = server;
    });
    if (keyServer && flags.jwksOut !== undefined && credentials.key) {
      await writePrivateFileAtomic(
        resolve(ctx.cwd, flags.jwksOut),
        `${JSON.stringify(jwksOf([credentials.key]), null, 2)}\n`,
      );
      say(`wrote the JWKS to ${flags.jwksOut} (verify offline with --jwks-file ${flags.jwksOut})`);
    }
    if (keyServer)
      announceKeys(
        flags.provider,
        keyServer,
        flags.audience ?? DEFAULT_AUDIENCE,
        say,
        flags.json ? ctx : undefined,
      );

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

/** HMAC providers sign with the given secret; JWT providers with an ephemeral key served on loopback. */
async function credentialsFor(
  flags: SendFlags,
  ctx: Context,
  started: (server: KeyServer) => Promise<void>,
): Promise<OutboundCredentials> {
  if (flags.provider === "moneykit" || flags.provider === "pps") {
    const key = await generateSigningKey(flags.provider === "moneykit" ? "ES256" : "RS256");
    const server = await serveKeys([key]);
    await started(server);
    return flags.provider === "pps"
      ? { key, issuer: server.issuer, audience: flags.audience ?? DEFAULT_AUDIENCE }
      : { key };
  }
  const [secret] = resolveSecrets(flags.provider, flags, ctx.env);
  if (secret === undefined)
    throw configError(
      `no secret to sign ${flags.provider} deliveries with`,
      `pass --secret VALUE or set ${SECRET_ENV[flags.provider]} (the same value your receiver verifies with)`,
    );
  return { secret };
}

function announceKeys(
  provider: ProviderId,
  server: KeyServer,
  audience: string,
  say: (line: string) => void,
  json: Context | undefined,
): void {
  const env =
    provider === "moneykit"
      ? { MONEYKIT_API_URL: server.url }
      : { PPS_TRUSTED_ISSUERS: `${server.issuer}=${audience}` };
  if (json)
    emit(json, {
      type: "keys",
      provider,
      jwksUrl: provider === "moneykit" ? server.jwksUrl : `${server.issuer}/jwks`,
      env,
    });
  else
    say(
      `signing with an ephemeral key, served while this runs: ${Object.entries(env)
        .map(([k, v]) => `${k}=${v}`)
        .join(" ")}`,
    );
}
