import { resolve } from "node:path";
import { writePrivateFileAtomic } from "../adapters/files.js";
import { type KeyServer, serveKeys } from "../adapters/key-server.js";
import { buildCases } from "../check/cases.js";
import { junitXml } from "../check/junit.js";
import { checkKey } from "../check/keys.js";
import { runCases } from "../check/run-cases.js";
import { resolveSecrets, SECRET_ENV, type SecretFlags } from "../config/secrets.js";
import type { Context } from "../context.js";
import type { ProviderId } from "../core/provider-id.js";
import { configError, EXIT, networkError, usageError } from "../errors.js";
import { OUTBOUND } from "../providers/outbound.js";
import type { OutboundCredentials } from "../providers/types.js";
import { emit } from "../ui/json-lines.js";
import { colourFor } from "../ui/style.js";

export interface CheckFlags extends SecretFlags {
  readonly provider: ProviderId;
  readonly keyPort: number;
  readonly audience: string;
  readonly junit?: string;
  readonly json?: boolean;
}

/** Dfns asks for a quick 200 ("respond quickly… within a few seconds"); others get the usual 10 s. */
const BUDGET_MS: Record<ProviderId, number> = {
  dfns: 3000,
  moneykit: 10_000,
  bracken: 10_000,
  kopokopo: 10_000,
  pps: 10_000,
};

/** `budgetMs` is the provider's answer budget; tests shorten it. */
export async function checkCommand(
  url: string,
  flags: CheckFlags,
  ctx: Context,
  budgetMs: number = BUDGET_MS[flags.provider],
): Promise<number> {
  // url and --key-port arrive parsed (cli-options.ts).
  const keyPort = flags.keyPort;
  const c = colourFor(ctx.stdout, ctx.env);
  const say = (line: string) => {
    if (!flags.json) ctx.stdout.write(`${line}\n`);
  };
  const hint = (line: string) => {
    if (!flags.json) ctx.stderr.write(`${colourFor(ctx.stderr, ctx.env).dim(line)}\n`);
  };
  const outbound = await OUTBOUND[flags.provider]();
  let keyServer: KeyServer | undefined;
  try {
    let credentials: OutboundCredentials;
    if (flags.provider === "moneykit" || flags.provider === "pps") {
      const key = await checkKey(ctx.cwd, flags.provider === "moneykit" ? "ES256" : "RS256");
      keyServer = await serveKeys([key], keyPort).catch((error: NodeJS.ErrnoException) => {
        throw error.code === "EADDRINUSE"
          ? usageError(`--key-port ${keyPort} is in use`, "free it or pick another")
          : error;
      });
      credentials =
        flags.provider === "moneykit" ? { key } : { key, issuer: keyServer.issuer, audience: flags.audience };
      const env =
        flags.provider === "moneykit"
          ? `MONEYKIT_API_URL=${keyServer.url}`
          : `PPS_TRUSTED_ISSUERS=${keyServer.issuer}=${flags.audience}`;
      hint(`signing with whtool's check key, served while this runs; your handler should trust it: ${env}`);
    } else {
      const [secret] = resolveSecrets(flags.provider, flags, ctx.env);
      if (secret === undefined)
        throw configError(
          `no secret to sign ${flags.provider} deliveries with`,
          `pass --secret with the value your handler verifies with, or set ${SECRET_ENV[flags.provider]}`,
        );
      credentials = { secret };
    }

    const cases = await buildCases(flags.provider, outbound, credentials, ctx.now());
    const { results, unreachable } = await runCases(url, cases, budgetMs, flags.provider, (result) => {
      if (flags.json) emit(ctx, { type: "case", provider: flags.provider, ...result });
      else
        say(
          `  ${result.passed ? c.green("✓") : c.red("✗")} ${result.name.padEnd(38)} ${String(result.status ?? "—").padEnd(4)} ${c.dim(`${result.durationMs} ms`)}${result.failure ? `  ${c.red(result.failure)} — ${result.why}` : ""}`,
        );
    });
    if (unreachable)
      throw networkError(`nothing answered at ${url}`, "is your handler running and listening there?");
    const failed = results.filter((r) => !r.passed).length;
    if (flags.junit !== undefined)
      await writePrivateFileAtomic(
        resolve(ctx.cwd, flags.junit),
        junitXml(`whtool check ${flags.provider}`, results),
      );
    if (flags.json)
      emit(ctx, {
        type: "check",
        provider: flags.provider,
        url,
        passed: failed === 0,
        cases: results.length,
        failed,
      });
    else
      say(
        failed === 0
          ? c.green.bold(`all ${results.length} cases passed`)
          : c.red.bold(`${failed} of ${results.length} cases failed`),
      );
    return failed === 0 ? EXIT.ok : EXIT.failed;
  } finally {
    await keyServer?.close();
  }
}
