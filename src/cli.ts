import { Command, Option } from "commander";
import { DEFAULT_CAPTURE_FILE } from "./adapters/capture.js";
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
    .allowExcessArguments(false)
    .addHelpText(
      "after",
      `
Examples:
  $ whtool verify .whtool/captures.jsonl          verify captured deliveries, step by step
  $ whtool emulate --provider all                 run every provider's API locally
  $ whtool send --provider dfns --to http://127.0.0.1:8080/webhooks --secret whs-test
  $ whtool providers                              schemes, headers, env vars and events

Each command has --help with examples. Exit codes: 0 ok, 1 failed, 2 usage, 3 configuration, 4 network, 5 tunnel, 70 bug.`,
    );

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
    .command("listen")
    .summary("receive webhooks locally (ngrok tunnel optional): capture, verify, print, forward")
    .description(
      "Listen for webhook deliveries: every delivery is captured (exact bytes and headers) before it is answered, verified step by step, and printed with its delivery headers, dedupe status and timestamp skew. Optionally opened to the internet through ngrok, forwarded to your app, or answered with scripted status codes.",
    )
    .addOption(providerOption())
    .option("--port <n>", "local port; 0 picks a free one", "7777")
    .option("--host <host>", "interface to bind (loopback by default)", "127.0.0.1")
    .option("--path <path>", "the webhook path (other paths are captured and answered 404)", "/webhooks")
    .addOption(
      new Option("--tunnel <kind>", "ngrok (default when NGROK_AUTHTOKEN is set) or none").choices([
        "ngrok",
        "none",
      ]),
    )
    .option(
      "--public-url <url>",
      "a public URL you already route to this listener (own domain, other tunnel)",
    )
    .option("--ngrok-domain <domain>", "a reserved ngrok domain (default: NGROK_DOMAIN)")
    .option("--forward-to <url>", "pass the exact bytes and headers on to your app; answer with its status")
    .option("--respond <codes>", "answer with these statuses in turn, e.g. 200 or 500,500,200 (last repeats)")
    .option("--capture <file>", "capture file (JSONL, mode 0600)", DEFAULT_CAPTURE_FILE)
    .option("--no-capture", "do not write deliveries to disk")
    .option(
      "--max-body <bytes>",
      "bodies larger than this are answered 413 and recorded as such",
      String(1 << 20),
    )
    .option(
      "--secret <value>",
      "HMAC secret or Kopo Kopo API key (repeatable: older secrets still verify)",
      collect,
    )
    .option("--secret-env <name>", "read the secret from this environment variable")
    .option("--jwks-file <file>", "JWKS for MoneyKit or PointServices keys")
    .option("--jwks-url <url>", "fetch the JWKS from this URL instead of the provider's")
    .option("--exit-after <n>", "stop after n deliveries (exit 1 if any failed verification)")
    .option(
      "--timeout <duration>",
      "stop after this long, e.g. 90s or 5m (with --exit-after: exit 1 if fewer arrived)",
    )
    .option("--verbose", "print every check of every delivery, not only the failing ones")
    .option("--json", "NDJSON on stdout: a ready line, then delivery, forward and error lines")
    .addHelpText(
      "after",
      `
Examples:
  $ whtool listen --provider dfns                          # ngrok when NGROK_AUTHTOKEN is set
  $ whtool listen --tunnel none --port 0 --json             # local only, machine-readable
  $ whtool listen --forward-to http://127.0.0.1:3000/hooks  # verify, then pass on to your app
  $ whtool listen --respond 500,500,200                     # watch the provider retry
  $ whtool listen --public-url https://hooks.example.com --exit-after 1 --timeout 2m

Ctrl-C drains in-flight deliveries, flushes the capture file, closes the tunnel and exits 0.`,
    )
    .action(async (flags) => {
      const { listenCommand } = await import("./commands/listen.js");
      setExit(await listenCommand(flags, ctx));
    });

  program
    .command("send")
    .summary("sign a realistic sample event exactly as the provider would and POST it")
    .description(
      "Sign sample events as the provider does and POST them to a URL. HMAC providers sign with your secret; MoneyKit and PointServices sign with an ephemeral key whose JWKS (and OIDC discovery) is served on loopback while the command runs.",
    )
    .addOption(providerOption().makeOptionMandatory())
    .requiredOption("--to <url>", "where to POST the deliveries")
    .option("--event <name>", "event type (default: the provider's first; see whtool providers ID)")
    .option("--count <n>", "how many deliveries to send, each a new event", "1")
    .option("--secret <value>", "HMAC secret or Kopo Kopo API key to sign with", collect)
    .option("--secret-env <name>", "read the signing secret from this environment variable")
    .option("--jwks-out <file>", "MoneyKit/PPS: write the ephemeral JWKS here before the first delivery")
    .option("--audience <aud>", "PPS: the token audience", "whtool-send")
    .option("--json", "one JSON line per delivery sent (and one with the key server)")
    .addHelpText(
      "after",
      `
Examples:
  $ whtool send --provider dfns --to http://127.0.0.1:8080/webhooks --secret whs-test --event wallet.transfer.confirmed
  $ whtool send --provider moneykit --to http://127.0.0.1:8080/webhooks --jwks-out jwks.json --count 3
  $ KOPOKOPO_API_KEY=… whtool send --provider kopokopo --to https://my-app.example/hooks --json

Exit codes: 0 every delivery answered 2xx, 1 one was not, 3 no secret to sign with, 4 nothing answered.`,
    )
    .action(async (flags) => {
      const { sendCommand } = await import("./commands/send.js");
      setExit(await sendCommand(flags, ctx));
    });

  program
    .command("emulate")
    .summary("run local emulators of the providers' APIs that deliver signed webhooks")
    .description(
      "Run a provider's API on loopback: tokens, webhook registration, test triggers, JWKS/OIDC, and signed deliveries with the provider's retry behaviour. Prints the environment that points whtool at it.",
    )
    .requiredOption("--provider <id>", `${PROVIDER_IDS.join(", ")}, a comma list, or all`)
    .option("--port <n>", "first port (all: one port per provider from here); 0 picks free ports", "0")
    .option("--time-scale <x>", "multiply retry delays by x, e.g. 0.01 turns a minute into 0.6 s", "1")
    .option("--env-file <file>", "also write the environment to this file (mode 0600)")
    .option("--json", "one ready line per emulator, then one line per delivery attempt")
    .addHelpText(
      "after",
      `
Examples:
  $ whtool emulate --provider all
  $ eval "$(whtool emulate --provider dfns)"     # in one shell; use the printed exports in another
  $ whtool emulate --provider moneykit --port 4010 --time-scale 0.01 --json`,
    )
    .action(async (flags) => {
      const { emulateCommand } = await import("./commands/emulate.js");
      setExit(await emulateCommand(flags, ctx));
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
