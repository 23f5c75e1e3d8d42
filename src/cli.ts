import { Command, Option } from "commander";
import type { Context } from "./context.js";
import { PROVIDER_IDS } from "./core/provider-id.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * Every command, flag, help text and example, in one place. Actions lazy-import their module so
 * `whtool verify` never loads ngrok, ora or undici.
 */
export function buildProgram(ctx: Context, version: string, setExit: (code: number) => void): Command {
  const program = new Command("whtool")
    .description(
      "Test webhooks locally: capture, verify and replay deliveries from MoneyKit, Dfns, Bracken, Kopo Kopo and PointServices.",
    )
    .version(version, "-V, --version")
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    })
    .exitOverride()
    .showHelpAfterError("(add --help for usage and examples)")
    .allowExcessArguments(false);

  const providerOption = () =>
    new Option("--provider <id>", "provider (detected from the headers when omitted)").choices(PROVIDER_IDS);

  program
    .command("verify")
    .summary("verify captured or hand-given deliveries offline, step by step")
    .description(
      "Verify deliveries offline: every line of a capture file (or the one named by --id), a capture read from stdin (-), or a hand-given body with its headers. Time windows are judged as of each capture's receipt unless --at says otherwise.",
    )
    .argument("[file]", "capture file (JSONL) or - for stdin; default .whtool/captures.jsonl")
    .addOption(providerOption())
    .option("--id <id>", "verify only the delivery with this id")
    .option(
      "--at <time>",
      "judge time windows as of now, an ISO time or unix seconds (default: capture's receivedAt)",
    )
    .option("--body <file>", "hand-given delivery: body file read as exact bytes (- for stdin)")
    .option("-H, --header <line>", 'hand-given delivery header "Name: value" (repeatable)', collect)
    .option(
      "--secret <value>",
      "HMAC secret or Kopo Kopo API key (repeatable: older secrets still verify)",
      collect,
    )
    .option("--secret-env <name>", "read the secret from this environment variable")
    .option("--jwks-file <file>", "JWKS for MoneyKit or PointServices keys, fully offline")
    .option("--jwks-url <url>", "fetch the JWKS from this URL instead of the provider's")
    .option("--json", "one verdict object per delivery on stdout (NDJSON)")
    .addHelpText(
      "after",
      `
Examples:
  $ whtool verify .whtool/captures.jsonl
  $ whtool verify captures.jsonl --id 01JD2K7 --at now --json
  $ DFNS_WEBHOOK_SECRET=whs-… whtool verify --body event.json -H "X-DFNS-WEBHOOK-SIGNATURE: sha256=33008a…"
  $ whtool verify moneykit.jsonl --jwks-file jwks.json

Exit codes: 0 all verified, 1 a verification failed, 2 usage, 3 missing secret or trusted issuers, 4 JWKS unreachable.`,
    )
    .action(async (file: string | undefined, flags) => {
      const { verifyCommand } = await import("./commands/verify.js");
      setExit(await verifyCommand(file, flags, ctx));
    });

  program
    .command("providers")
    .summary("list providers, schemes, env vars and events")
    .argument("[id]", "show one provider with every event")
    .option("--json", "one JSON object per provider")
    .addHelpText("after", "\nExamples:\n  $ whtool providers\n  $ whtool providers dfns --json")
    .action(async (id: string | undefined, flags) => {
      const { providersCommand } = await import("./commands/providers.js");
      setExit(await providersCommand(id, flags, ctx));
    });

  return program;
}
