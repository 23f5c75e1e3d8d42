import { resolve } from "node:path";
import { writePrivateFileAtomic } from "../adapters/files.js";
import { postRaw } from "../adapters/http-post.js";
import { type KeyServer, serveKeys } from "../adapters/key-server.js";
import { buildCases } from "../check/cases.js";
import { type CaseResult, junitXml } from "../check/junit.js";
import { checkKey } from "../check/keys.js";
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
  readonly keyPort: string;
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

export async function checkCommand(url: string, flags: CheckFlags, ctx: Context): Promise<number> {
  if (!/^https?:\/\/[^/]/.test(url)) throw usageError(`${url}: give the http(s) URL of your webhook handler`);
  const keyPort = Number(flags.keyPort);
  if (!Number.isInteger(keyPort) || keyPort < 0 || keyPort > 65535)
    throw usageError(`--key-port ${flags.keyPort}: not a port number`);
  const c = colourFor(ctx.stderr, ctx.env);
  const say = (line: string) => {
    if (!flags.json) ctx.stderr.write(`${line}\n`);
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
      say(
        c.dim(
          `signing with whtool's check key, served while this runs; your handler should trust it: ${env}`,
        ),
      );
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
    const budget = BUDGET_MS[flags.provider];
    const results: CaseResult[] = [];
    for (const testCase of cases) {
      const answer = await postRaw(url, testCase.headers, testCase.body, { timeoutMs: budget * 2 });
      const { status } = answer;
      let failure: string | null = null;
      if (status === null) failure = `no answer (${answer.error})`;
      else if (testCase.expect === "accept" && (status < 200 || status >= 300))
        failure = `answered ${status}, expected 2xx`;
      else if (testCase.expect === "accept" && answer.durationMs > budget)
        failure = `answered after ${answer.durationMs} ms; ${flags.provider} expects an answer within ${budget} ms`;
      else if (testCase.expect === "reject" && (status < 400 || status >= 500))
        failure = `answered ${status}, expected 4xx${status < 300 ? ": the handler accepted a forged delivery" : ""}`;
      const result: CaseResult = {
        name: testCase.name,
        expect: testCase.expect,
        why: testCase.why,
        status,
        error: answer.error,
        durationMs: answer.durationMs,
        passed: failure === null,
        failure,
      };
      results.push(result);
      if (flags.json) emit(ctx, { type: "case", provider: flags.provider, ...result });
      else
        say(
          `  ${result.passed ? c.green("✓") : c.red("✗")} ${testCase.name.padEnd(38)} ${String(status ?? "—").padEnd(4)} ${c.dim(`${answer.durationMs} ms`)}${failure ? `  ${c.red(failure)} — ${testCase.why}` : ""}`,
        );
    }
    if (results.every((r) => r.status === null))
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
