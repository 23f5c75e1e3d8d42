import { type Command, Option } from "commander";
import { DEFAULT_CAPTURE_FILE } from "./adapters/capture.js";
import {
  collect,
  countOption,
  durationOption,
  jsonOption,
  jwksOptions,
  mergeSecretFiles,
  portOption,
  providerOption,
  requiredProvider,
  secretOptions,
  urlArgument,
  urlOption,
  WhtoolCommand,
} from "./cli-options.js";
import type { Context } from "./context.js";
import { PROVIDER_IDS } from "./core/provider-id.js";

/** The commands, in the order --help lists them. */
export const COMMAND_NAMES = [
  "verify",
  "listen",
  "register",
  "unregister",
  "trigger",
  "send",
  "replay",
  "show",
  "tail",
  "inspect",
  "secret",
  "emulate",
  "smoke",
  "check",
  "demo",
  "providers",
] as const;
type CommandName = (typeof COMMAND_NAMES)[number];

const isCommandName = (name: string): name is CommandName =>
  (COMMAND_NAMES as readonly string[]).includes(name);

/**
 * Every command, flag, help text and example, in one place. Actions lazy-import their module so
 * `whtool verify` never loads ngrok, ora or undici.
 */
export function buildProgram(
  ctx: Context,
  version: string,
  setExit: (code: number) => void,
  only?: string,
): Command {
  // `whtool verify …` declares verify alone (start-up time is a feature in CI); --help, `help`
  // and an unknown or misspelt command get every command, for the listing and the did-you-mean.
  const wanted = (name: CommandName) => only === undefined || !isCommandName(only) || only === name;
  const program = new WhtoolCommand("whtool")
    .description(
      "Test webhooks locally: capture, verify and replay deliveries from MoneyKit, Dfns, Bracken, Kopo Kopo and PointServices.",
    )
    .version(version, "-V, --version")
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    })
    .exitOverride()
    .hook("preAction", (_program, action) => mergeSecretFiles(action))
    .showHelpAfterError("(add --help for usage and examples)")
    .allowExcessArguments(false)
    .addHelpText(
      "after",
      `
Examples:
  $ whtool demo                                   the whole loop for all five providers, offline
  $ whtool listen --provider dfns --register      tunnel, register, capture and verify live
  $ whtool trigger ping --provider dfns           make the provider send something
  $ whtool verify .whtool/captures.jsonl          verify captured deliveries, step by step
  $ whtool smoke --provider dfns --emulate        CI: pass or fail the whole loop
  $ whtool check localhost:3000/webhooks --provider dfns --secret whs-test
  $ whtool replay --to :3000/webhooks             resend captured deliveries to your app
  $ whtool emulate --provider all                 run every provider's API locally
  $ whtool providers                              schemes, headers, env vars and events

URLs may leave out the scheme: localhost:3000/webhooks, :3000/webhooks. Results go to stdout
(NDJSON with --json, errors included), progress and warnings to stderr.
Each command has --help with examples. Exit codes: 0 ok, 1 failed, 2 usage, 3 configuration, 4 network, 5 tunnel, 70 bug.`,
    );

  const verifyingSecret = "HMAC secret or Kopo Kopo API key (repeatable: older secrets still verify)";
  const readSecretEnv = "read the secret from this environment variable";

  if (wanted("verify")) {
    const verifySecrets = secretOptions(ctx, verifyingSecret, readSecretEnv);
    program
      .command("verify")
      .summary("verify captured or hand-given deliveries offline, step by step")
      .description(
        "Verify deliveries offline: every line of a capture file (or the one named by --id), a capture read from stdin (-), or a hand-given body with its headers. Time windows are judged as of each capture's receipt unless --at says otherwise.",
      )
      .argument("[file]", "capture file (JSONL) or - for stdin; default .whtool/captures.jsonl")
      .addOption(
        providerOption(
          "verify only the deliveries from this provider (as recorded, or detected from the headers; the others are skipped); with --body, verify the hand-given delivery as this provider",
        ),
      )
      .option("--id <id>", "verify only the delivery with this id")
      .option(
        "--at <time>",
        "judge time windows as of now, an ISO time or unix seconds (default: capture's receivedAt)",
      )
      .option("--body <file>", "hand-given delivery: body file read as exact bytes (- for stdin)")
      .option("-H, --header <line>", 'hand-given delivery header "Name: value" (repeatable)', collect)
      .addOptions(verifySecrets)
      .addOptions(jwksOptions("JWKS for MoneyKit or PointServices keys, fully offline"))
      .addOption(jsonOption("one verdict object per delivery on stdout (NDJSON)"))
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
  }

  if (wanted("listen")) {
    const listenSecrets = secretOptions(ctx, verifyingSecret, readSecretEnv);
    program
      .command("listen")
      .summary("receive webhooks locally (ngrok tunnel optional): capture, verify, print, forward")
      .description(
        "Listen for webhook deliveries: every delivery is captured (exact bytes and headers) before it is answered, verified step by step, and printed with its delivery headers, dedupe status and timestamp skew. Optionally opened to the internet through ngrok, forwarded to your app, or answered with scripted status codes.",
      )
      .addOption(providerOption("provider, detected from the headers when omitted"))
      .option("--port <n>", "local port; 0 picks a free one", "7777")
      .option("--host <host>", "interface to bind (loopback by default)", "127.0.0.1")
      .option("--path <path>", "the webhook path (other paths are captured and answered 404)", "/webhooks")
      .addOption(
        new Option("--tunnel <kind>", "ngrok (default when NGROK_AUTHTOKEN is set) or none").choices([
          "ngrok",
          "none",
        ]),
      )
      .addOption(
        urlOption(
          "--public-url <url>",
          "a public URL you already route to this listener (own domain, other tunnel)",
        ),
      )
      .option("--ngrok-domain <domain>", "a reserved ngrok domain (default: NGROK_DOMAIN)")
      .addOption(
        urlOption(
          "--forward-to <url>",
          "pass the exact bytes and headers on to your app; answer with its status",
        ),
      )
      .option(
        "--respond <codes>",
        "answer with these statuses in turn, e.g. 200 or 500,500,200 (last repeats)",
      )
      .option("--capture <file>", "capture file (JSONL, mode 0600)", DEFAULT_CAPTURE_FILE)
      .option("--no-capture", "do not write deliveries to disk")
      .option(
        "--max-body <bytes>",
        "bodies larger than this are answered 413 and recorded as such",
        String(1 << 20),
      )
      .addOptions(listenSecrets)
      .addOptions(jwksOptions("JWKS for MoneyKit or PointServices keys"))
      .option(
        "--register",
        "once the URL is known, register it with the provider's API (as whtool register); removed again on exit",
      )
      .option("--keep", "with --register: leave the registration in place when listen stops")
      .option("--link <id>", "with --register, MoneyKit: the link whose webhook to set")
      .option(
        "--event <name>",
        "with --register: Dfns kinds, Bracken events, Kopo Kopo event types (repeatable)",
        collect,
      )
      .option("--webhook-id <id>", "with --register, Dfns: update this webhook")
      .option("--exit-after <n>", "stop after n deliveries (exit 1 if any failed verification)")
      .option(
        "--timeout <duration>",
        "stop after this long, e.g. 90s or 5m (with --exit-after: exit 1 if fewer arrived)",
      )
      .option(
        "--inspect-port <n>",
        "inspector web UI port (default 4040, the next free one when taken; 0: any)",
      )
      .option("--no-inspect", "do not serve the inspector web UI")
      .option("--no-probe", "skip the one GET through the ngrok URL that checks it reaches this listener")
      .option("--verbose", "print every check of every delivery, not only the failing ones")
      .addOption(jsonOption("NDJSON on stdout: a ready line, then delivery, forward and error lines"))
      .addHelpText(
        "after",
        `
Examples:
  $ whtool listen --provider dfns                          # ngrok when NGROK_AUTHTOKEN is set
  $ whtool listen --tunnel none --port 0 --json             # local only, machine-readable
  $ whtool listen --forward-to http://127.0.0.1:3000/hooks  # verify, then pass on to your app
  $ whtool listen --respond 500,500,200                     # watch the provider retry
  $ whtool listen --provider dfns --register                # tunnel, then create the Dfns webhook
  $ whtool listen --public-url https://hooks.example.com --exit-after 1 --timeout 2m

Ctrl-C drains in-flight deliveries, flushes the capture file, closes the tunnel and exits 0.`,
      )
      .action(async (flags) => {
        const { listenCommand } = await import("./commands/listen.js");
        setExit(await listenCommand(flags, ctx));
      });
  }

  if (wanted("register")) {
    const registerSecrets = secretOptions(
      ctx,
      "Bracken: the subscription secret (default: BRACKEN_WEBHOOK_SECRET or a strong generated one)",
    );
    program
      .command("register")
      .summary("register or update the webhook URL with a provider's API")
      .description(
        "Register or update a webhook with the provider's API. Secrets a provider shows once (Dfns) or that whtool chooses (Bracken) are saved in .whtool/state.json (mode 0600) and used by listen and verify.",
      )
      .addOption(requiredProvider())
      .addOption(urlOption("--url <url>", "the webhook URL to register"))
      .option("--link <id>", "MoneyKit: set the webhook of this link (default: MONEYKIT_LINK_ID)")
      .option("--new-link", "MoneyKit: create a link session with this webhook instead")
      .option(
        "--webhook-id <id>",
        "Dfns: update this webhook (default: the one with the same URL, else create)",
      )
      .option(
        "--event <name>",
        "Dfns kinds, Bracken events, Kopo Kopo event types, PPS topics (repeatable)",
        collect,
      )
      .addOptions(registerSecrets)
      .option("--status <location>", "Kopo Kopo: read a subscription back from its Location")
      .option("--scope <scope>", "Kopo Kopo: till or company")
      .option("--till <number>", "Kopo Kopo: the till number (default: KOPOKOPO_TILL_NUMBER)")
      .option("--tenant <id>", "PointServices: the tenant id to give your account representative")
      .addOption(jsonOption("one JSON line with what was registered"))
      .addHelpText(
        "after",
        `
Examples:
  $ whtool register --provider moneykit --link mk_123 --url https://abc.ngrok-free.app/webhooks
  $ whtool register --provider moneykit --new-link --url https://abc.ngrok-free.app/webhooks
  $ whtool register --provider dfns --url https://abc.ngrok-free.app/webhooks --event wallet.transfer.confirmed
  $ whtool register --provider bracken --url https://abc.ngrok-free.app/webhooks --event User_Create
  $ whtool register --provider kopokopo --url https://abc.ngrok-free.app/webhooks --event buygoods_transaction_received
  $ whtool register --provider pps --url https://hooks.example.com/webhooks --tenant OU1243

Exit codes: 0 registered, 2 usage, 3 credentials missing, 4 the API refused or could not be reached.`,
      )
      .action(async (flags) => {
        const { registerCommand } = await import("./commands/register.js");
        setExit(await registerCommand(flags, ctx));
      });
  }

  if (wanted("unregister")) {
    program
      .command("unregister")
      .summary("remove a webhook registration made with the provider")
      .description(
        "Remove a webhook registration with the provider's API, named by its URL or the provider's id for it, and forget its saved secret. listen --register does this by itself on exit.",
      )
      .addOption(requiredProvider())
      .addOption(urlOption("--url <url>", "the registered webhook URL"))
      .option(
        "--webhook-id <id>",
        "Dfns: the webhook id (wh-…); MoneyKit: the link (default: MONEYKIT_LINK_ID)",
      )
      .option(
        "--event <name>",
        "Bracken: which event subscriptions (default: those whtool registered)",
        collect,
      )
      .addOption(jsonOption("one JSON line with what was removed"))
      .addHelpText(
        "after",
        `
Examples:
  $ whtool unregister --provider dfns --url https://abc.ngrok-free.app/webhooks
  $ whtool unregister --provider dfns --webhook-id wh-1a2b3c
  $ whtool unregister --provider bracken --url https://abc.ngrok-free.app/webhooks
  $ whtool unregister --provider moneykit --webhook-id mk_123

Kopo Kopo documents no delete call (remove it in its dashboard); PointServices prints a request for your representative.
Exit codes: 0 removed, 2 usage, 3 credentials missing, 4 the API refused or could not be reached.`,
      )
      .action(async (flags) => {
        const { unregisterCommand } = await import("./commands/unregister.js");
        setExit(await unregisterCommand(flags, ctx));
      });
  }

  if (wanted("trigger")) {
    program
      .command("trigger")
      .summary("ask a provider's API to send a test event")
      .description(
        "Make the provider send something: MoneyKit test events, product refreshes and link deletion; Dfns ping and its event log; Bracken user create/delete; Kopo Kopo payments (simulated on the emulator); PointServices' test webhook.",
      )
      .argument("[trigger]", "what to trigger (default per provider: see examples)")
      .addOption(requiredProvider())
      .option("--link <id>", "MoneyKit: the link (default: MONEYKIT_LINK_ID)")
      .option("--products <list>", "MoneyKit refresh: accounts,account_numbers,identity,transactions")
      .option("--yes", "MoneyKit delete-link: confirm (it cannot be undone)")
      .option("--webhook-id <id>", "Dfns: the webhook to ping or list events of")
      .option("--till <number>", "Kopo Kopo: the till paid")
      .option("--amount <amount>", "Kopo Kopo: the amount paid")
      .option("--username <name>", "Bracken user-delete: the user")
      .addOption(urlOption("--to <url>", "PointServices test: the address to deliver to"))
      .addOption(jsonOption("one JSON line with what the provider answered"))
      .addHelpText(
        "after",
        `
Examples:
  $ whtool trigger link.state_changed --provider moneykit --link mk_123
  $ whtool trigger refresh --provider moneykit --link mk_123 --products accounts,transactions
  $ whtool trigger ping --provider dfns
  $ whtool trigger events --provider dfns
  $ whtool trigger user-create --provider bracken
  $ whtool trigger buygoods --provider kopokopo --amount 100
  $ whtool trigger test --provider pps --to https://hooks.example.com/webhooks`,
      )
      .action(async (trigger: string | undefined, flags) => {
        const { triggerCommand } = await import("./commands/trigger.js");
        setExit(await triggerCommand(trigger, flags, ctx));
      });
  }

  if (wanted("send")) {
    const sendSecrets = secretOptions(
      ctx,
      "HMAC secret or Kopo Kopo API key to sign with",
      "read the signing secret from this environment variable",
    );
    program
      .command("send")
      .summary("sign a realistic sample event exactly as the provider would and POST it")
      .description(
        "Sign sample events as the provider does and POST them to a URL. HMAC providers sign with your secret; MoneyKit and PointServices sign with whtool's test key (the one check uses, kept in .whtool/check-keys.json), whose JWKS and OIDC discovery are served on --key-port (4998) while the command runs.",
      )
      .addOption(requiredProvider())
      .addOption(urlOption("--to <url>", "where to POST the deliveries").makeOptionMandatory())
      .option("--event <name>", "event type (default: the provider's first; see whtool providers ID)")
      .addOption(countOption("--count <n>", "how many deliveries to send, each a new event", 1, 10_000))
      .addOptions(sendSecrets)
      .option("--jwks-out <file>", "MoneyKit/PPS: write the test key's JWKS here before the first delivery")
      .addOption(
        portOption(
          "--key-port <n>",
          "MoneyKit/PPS: where whtool's test key is served (the same as check's, so one receiver setup serves both)",
          4998,
        ),
      )
      .option("--audience <aud>", "PPS: the token audience (check's too)", "whtool-check")
      .addOption(jsonOption("one JSON line per delivery sent (and one with the key server)"))
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
  }

  if (wanted("replay")) {
    program
      .command("replay")
      .summary("resend captured deliveries (exact bytes and headers) to a URL")
      .description(
        "Resend captured deliveries exactly as they arrived — the same bytes and headers, in order (hop-by-hop headers dropped) — to your handler, e.g. after fixing a bug. Signatures stay valid; timestamps are as old as the capture, so a Dfns handler will rightly refuse a stale one.",
      )
      .argument("[file]", "capture file, or - for stdin; default .whtool/captures.jsonl")
      .addOption(urlOption("--to <url>", "where to send them").makeOptionMandatory())
      .option("--id <id>", "replay only this delivery (repeatable)", collect)
      .addOption(providerOption("replay only the deliveries from this provider (the others are skipped)"))
      .option(
        "--resign",
        "sign each delivery again with a fresh timestamp: HMAC providers with the secret listen would use, MoneyKit/PointServices with whtool's test key",
      )
      .addOptions(
        secretOptions(ctx, "with --resign: the HMAC secret to sign with (default: as listen)", readSecretEnv),
      )
      .addOption(
        portOption(
          "--key-port <n>",
          "with --resign, MoneyKit/PointServices: where the test key is served",
          4998,
        ),
      )
      .option("--audience <aud>", "with --resign, PointServices: the token audience", "whtool-check")
      .addOption(jsonOption("one JSON line per delivery replayed"))
      .addHelpText(
        "after",
        `
Examples:
  $ whtool replay --to http://127.0.0.1:3000/webhooks
  $ whtool replay captures.jsonl --id d_0mwt8byvh3e16d67786 --to http://127.0.0.1:3000/webhooks --json
  $ whtool replay --resign --to :3000/webhooks   # an old Dfns capture past the 300 s window, signed as of now

Exit codes: 0 every delivery answered 2xx, 1 one was not, 2 usage, 4 nothing answered.`,
      )
      .action(async (file: string | undefined, flags) => {
        const { replayCommand } = await import("./commands/replay.js");
        setExit(await replayCommand(file, flags, ctx));
      });
  }

  if (wanted("show")) {
    program
      .command("show")
      .summary("one captured delivery: headers in order, body, verdict, answers")
      .description(
        "Show one captured delivery as it arrived: method and path, every header in received order, the body (pretty-printed when JSON), the verdict recorded at capture and what was answered. --raw writes the exact body bytes to stdout and nothing else. An id prefix is enough when only one id starts with it.",
      )
      .argument("<id>", "the delivery id (d_…), or a prefix of it")
      .option("--capture <file>", `capture file (default ${DEFAULT_CAPTURE_FILE})`)
      .option("--raw", "write the exact body bytes to stdout, nothing else")
      .addOption(jsonOption("the capture record as one JSON line, with the body as text and pretty"))
      .addHelpText(
        "after",
        `
Examples:
  $ whtool show d_0mwt8byvh3e16d67786
  $ whtool show d_0mwt8 --raw > body.json          # the exact bytes, e.g. to diff or re-sign
  $ whtool show d_0mwt8 --capture ci/captures.jsonl --json | jq .headers

Exit codes: 0 shown, 2 no such id or no capture file.`,
      )
      .action(async (id: string, flags) => {
        const { showCommand } = await import("./commands/show.js");
        setExit(await showCommand(id, flags, ctx));
      });
  }

  if (wanted("tail")) {
    program
      .command("tail")
      .summary("captured deliveries as listen printed them, filtered, and (--follow) as they arrive")
      .description(
        "Print the deliveries of a capture file as listen printed them (verdict, status, delivery headers, failing checks), filtered by event, provider or failure; with --follow, keep printing new ones as listen captures them, until Ctrl-C.",
      )
      .argument("[file]", "capture file (JSONL); default .whtool/captures.jsonl")
      .option("--event <name>", "only this event")
      .option("--failed", "only deliveries that failed verification")
      .addOption(providerOption("only this provider's deliveries"))
      .option("-f, --follow", "keep printing deliveries as they are captured")
      .option("--verbose", "every check of every delivery, not only the failing ones")
      .addOption(jsonOption("one JSON line per delivery"))
      .addHelpText(
        "after",
        `
Examples:
  $ whtool tail --failed
  $ whtool tail -f --provider dfns --event wallet.transfer.confirmed
  $ whtool tail ci/captures.jsonl --json | jq -r .reason`,
      )
      .action(async (file: string | undefined, flags) => {
        const { tailCommand } = await import("./commands/tail.js");
        setExit(await tailCommand(file, flags, ctx));
      });
  }

  if (wanted("inspect")) {
    program
      .command("inspect")
      .summary("serve the inspector web UI over a capture file, following it as it grows")
      .description(
        "Serve the inspector on 127.0.0.1 (4040, or the next free port): every captured delivery with its headers in order, body, checks, diagnosis, retries and diff, and Replay. listen serves the same page while it runs.",
      )
      .argument("[file]", "capture file (JSONL); default .whtool/captures.jsonl")
      .option("--port <n>", "port (default 4040, the next free one when taken); 0 picks any free one")
      .addOption(jsonOption("one ready line with the inspector URL"))
      .addHelpText(
        "after",
        "\nExamples:\n  $ whtool inspect\n  $ whtool inspect ci-captures.jsonl --port 0 --json",
      )
      .action(async (file: string | undefined, flags) => {
        const { inspectCommand } = await import("./commands/inspect.js");
        setExit(await inspectCommand(file, flags, ctx));
      });
  }

  if (wanted("secret")) {
    program
      .command("secret")
      .summary("print the secret listen and verify would use for a provider")
      .description(
        "Print the webhook secret that listen and verify would verify with (from --secret, the environment or .env, or the one whtool register saved), so your own handler can use the same one. Only the value goes to stdout; where it came from goes to stderr.",
      )
      .addOption(requiredProvider())
      .addOptions(secretOptions(ctx, "as listen takes it (repeatable)", readSecretEnv))
      .option("--all", "every secret that verifies, newest first (rotation), one per line")
      .addOption(jsonOption("one JSON line per secret with where it came from"))
      .addHelpText(
        "after",
        `
Examples:
  $ whtool secret --provider dfns
  $ DFNS_WEBHOOK_SECRET="$(whtool secret --provider dfns)" node server.js
  $ whtool secret --provider bracken --all --json

MoneyKit and PointServices sign with keys, not a shared secret: for them this is a usage error (exit 2).
Exit codes: 0 printed, 2 usage, 3 no secret configured.`,
      )
      .action(async (flags) => {
        const { secretCommand } = await import("./commands/secret.js");
        setExit(await secretCommand(flags, ctx));
      });
  }

  if (wanted("emulate")) {
    program
      .command("emulate")
      .summary("run local emulators of the providers' APIs that deliver signed webhooks")
      .description(
        "Run a provider's API on loopback: tokens, webhook registration, test triggers, JWKS/OIDC, and signed deliveries with the provider's retry behaviour. Prints the environment that points whtool at it.",
      )
      .option(
        "--provider <id>",
        `${PROVIDER_IDS.join(", ")}, a comma list, or all (required, but with --stop)`,
      )
      .addOption(
        portOption(
          "--port <n>",
          "first port (all: one port per provider from here); 0 picks free ports (default 0)",
        ),
      )
      .option(
        "--time-scale <x>",
        "multiply retry delays by x, e.g. 0.01 turns a minute into 0.6 s (default 1)",
      )
      .option("--detach", "run in the background: print the export lines and return at once")
      .option("--stop", "stop the emulators started with --detach in this folder (all, or --provider's)")
      // Not --env-file: Node 20 takes that flag for itself even after the script name.
      .option("--write-env <file>", "also write the environment to this file in .env format (mode 0600)")
      .addOption(jsonOption("one ready line per emulator, then one line per delivery attempt"))
      .addHelpText(
        "after",
        `
Examples:
  $ whtool emulate --provider all                 # serves in the foreground until Ctrl-C
  $ eval "$(whtool emulate --provider dfns --detach)"   # in the background; this shell gets the exports
  $ whtool emulate --stop                         # stop the background emulators
  $ whtool emulate --provider moneykit --port 4010 --time-scale 0.01 --json`,
      )
      .action(async (flags) => {
        const { emulateCommand } = await import("./commands/emulate.js");
        setExit(await emulateCommand(flags, ctx));
      });
  }

  if (wanted("smoke")) {
    const smokeSecrets = secretOptions(
      ctx,
      "verify with this secret instead of the configured one (repeatable)",
      "verify with the secret in this environment variable",
    );
    program
      .command("smoke")
      .summary("CI one-shot: listen, register, trigger, wait for verified deliveries, report, exit 0/1")
      .description(
        "Run the whole loop once and pass or fail: listen (ngrok, --public-url, or the built-in emulator with --emulate), register, trigger, wait for N verified deliveries or the timeout, clean up what was registered, write a JSON report.",
      )
      .addOption(requiredProvider())
      .option("--emulate", "run against the built-in emulator: no account, no network")
      .option("--event <name>", "what to trigger (default per provider, see whtool trigger --help)")
      .addOption(countOption("--expect <n>", "verified deliveries needed to pass", 1))
      .addOption(durationOption("--timeout <duration>", "how long to wait for them", "60s"))
      .option("--report <file>", "write the JSON report here")
      .addOption(urlOption("--public-url <url>", "a public URL routed to the listener (instead of ngrok)"))
      .addOption(portOption("--port <n>", "listener port (0: a free one)", 0))
      .option("--link <id>", "MoneyKit: the link to use (default: MONEYKIT_LINK_ID)")
      .addOptions(smokeSecrets)
      .addOption(jsonOption("the report as one JSON line on stdout"))
      .addHelpText(
        "after",
        `
Examples:
  $ whtool smoke --provider dfns --emulate
  $ whtool smoke --provider moneykit --link mk_123 --expect 1 --timeout 2m --report smoke.json
  $ whtool smoke --provider bracken --public-url https://hooks.example.com --json

Exit codes: 0 passed, 1 a delivery failed verification or too few arrived, 3 credentials or a public URL missing, 4 API error, 5 tunnel error.`,
      )
      .action(async (flags) => {
        const { smokeCommand } = await import("./commands/smoke.js");
        setExit(await smokeCommand(flags, ctx));
      });
  }

  if (wanted("check")) {
    const checkSecrets = secretOptions(
      ctx,
      "the secret your handler verifies with (HMAC providers; default: the provider's env var)",
      "read that secret from this environment variable",
    );
    program
      .command("check")
      .summary("conformance suite against your own webhook handler")
      .description(
        "Send your handler a valid delivery and a set of forged ones (tampered body, wrong secret, missing signature, stale timestamp, expired or foreign-key JWT, alg none…) and check it accepts the valid one (2xx, in time), answers a duplicate with 2xx, and rejects every forgery (4xx).",
      )
      .addArgument(
        urlArgument(
          "<url>",
          "your handler's URL (the scheme may be left out: localhost:3000/webhooks, :3000/webhooks)",
        ),
      )
      .addOption(requiredProvider())
      .addOptions(checkSecrets)
      .addOption(
        portOption("--key-port <n>", "MoneyKit/PPS: port of the JWKS/OIDC server your handler trusts", 4998),
      )
      .option("--audience <aud>", "PPS: the audience your handler expects", "whtool-check")
      .option("--junit <file>", "write JUnit XML for CI systems")
      .addOption(jsonOption("one JSON line per case, then a summary line"))
      .addHelpText(
        "after",
        `
Examples:
  $ whtool check http://127.0.0.1:3000/webhooks --provider dfns --secret whs-test
  $ MONEYKIT_API_URL=http://127.0.0.1:4998 node my-handler.js &   # trust whtool's check key
  $ whtool check http://127.0.0.1:3000/webhooks --provider moneykit --junit check.xml

Exit codes: 0 every case passed, 1 a case failed, 3 no secret, 4 the handler did not answer.`,
      )
      .action(async (url: string, flags) => {
        const { checkCommand } = await import("./commands/check.js");
        setExit(await checkCommand(url, flags, ctx));
      });
  }

  if (wanted("demo")) {
    program
      .command("demo")
      .summary("the whole loop for all five providers on the built-in emulators (offline)")
      .description(
        "Start emulators for all five providers and one local listener; register, trigger, receive and verify a delivery from each; print a summary table. No account, no tunnel, no network.",
      )
      .addOption(jsonOption("one JSON line per provider"))
      .addHelpText("after", "\nExamples:\n  $ whtool demo\n  $ npm run demo")
      .action(async (flags) => {
        const { demoCommand } = await import("./commands/demo.js");
        setExit(await demoCommand(flags, ctx));
      });
  }

  if (wanted("providers")) {
    program
      .command("providers")
      .summary("list providers, schemes, env vars and events")
      .argument("[id]", "show one provider with every event")
      .addOption(jsonOption("one JSON object per provider"))
      .addHelpText("after", "\nExamples:\n  $ whtool providers\n  $ whtool providers dfns --json")
      .action(async (id: string | undefined, flags) => {
        const { providersCommand } = await import("./commands/providers.js");
        setExit(await providersCommand(id, flags, ctx));
      });
  }

  return program;
}
