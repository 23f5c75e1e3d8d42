import { resolve } from "node:path";
import { writePrivateFileAtomic } from "../adapters/files.js";
import type { KeyServer } from "../adapters/key-server.js";
import { buildCases, notChecked } from "../check/cases.js";
import { junitXml } from "../check/junit.js";
import { checkKey } from "../check/keys.js";
import { runCases } from "../check/run-cases.js";
import type { SecretFlags } from "../config/secrets.js";
import { signingSetup, trustEnvText } from "../config/signing-credentials.js";
import type { Context } from "../context.js";
import type { ProviderId } from "../core/provider-id.js";
import { EXIT, networkError } from "../errors.js";
import { PROVIDERS } from "../providers/index.js";
import { emit } from "../ui/json-lines.js";
import { colourFor } from "../ui/style.js";

export interface CheckFlags extends SecretFlags {
  readonly provider: ProviderId;
  readonly keyPort: number;
  readonly audience: string;
  readonly junit?: string;
  readonly json?: boolean;
}

/** `budgetMs` is the provider's answer budget (its descriptor's); tests shorten it. */
export async function checkCommand(
  url: string,
  flags: CheckFlags,
  ctx: Context,
  budgetMs: number = PROVIDERS[flags.provider].answerBudgetMs,
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
  const provider = PROVIDERS[flags.provider];
  const outbound = await provider.outbound();
  let keyServer: KeyServer | undefined;
  try {
    // JWT providers sign with whtool's check key, kept across runs so the handler may cache the JWKS.
    const setup = await signingSetup(
      {
        ...flags,
        key: (alg) => checkKey(ctx.cwd, alg),
        keyPort,
        cwd: ctx.cwd,
        noSecretHint: (secretEnv) =>
          `pass --secret with the value your handler verifies with, or set ${secretEnv}`,
      },
      ctx.env,
    );
    keyServer = setup.keyServer;
    const { credentials } = setup;
    if (keyServer)
      hint(
        `signing with whtool's check key, served while this runs; your handler should trust it: ${trustEnvText(setup.trustEnv)}`,
      );

    const cases = await buildCases(provider, outbound, credentials, ctx.now(), keyServer?.publish);
    const gaps = notChecked(provider);
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
        junitXml(`whtool check ${flags.provider}`, results, gaps),
      );
    if (flags.json)
      emit(ctx, {
        type: "check",
        provider: flags.provider,
        url,
        passed: failed === 0,
        cases: results.length,
        failed,
        notChecked: gaps,
      });
    else {
      for (const gap of gaps) say(c.dim(`  not checked: ${gap}`));
      say(
        failed === 0
          ? c.green.bold(`all ${results.length} cases passed`)
          : c.red.bold(`${failed} of ${results.length} cases failed`),
      );
    }
    return failed === 0 ? EXIT.ok : EXIT.failed;
  } finally {
    await keyServer?.close();
  }
}
