import { Argument, Command, InvalidArgumentError, Option } from "commander";
import { nonEmptySecret, readSecretFile, secretFromEnv } from "./config/secrets.js";
import type { Context } from "./context.js";
import { PROVIDER_IDS, type ProviderId, toProviderId, unknownProviderHint } from "./core/provider-id.js";
import { parseDuration } from "./core/time.js";
import { parseUserUrl, URL_FORMS } from "./core/url.js";

/**
 * The option factories cli.ts declares every command from: each flag is parsed where it is
 * declared, so a command receives a normalised URL, a port number or a duration in milliseconds,
 * never a string to re-validate. A bad value is commander's usage error (exit 2), naming the flag.
 */

export const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The one reading of a URL typed on the command line (scheme optional, `:3000` for this machine). */
export function userUrl(value: string): string {
  const parsed = parseUserUrl(value);
  if (!parsed.ok) throw new InvalidArgumentError(`${parsed.problem}; ${URL_FORMS}.`);
  return parsed.url;
}

export const urlOption = (flags: string, help: string) => new Option(flags, help).argParser(userUrl);

export const urlArgument = (name: string, help: string) => new Argument(name, help).argParser(userUrl);

export const jsonOption = (help: string) => new Option("--json", help);

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 65535)
    throw new InvalidArgumentError("give a port from 0 to 65535.");
  return n;
}

export function portOption(flags: string, help: string, fallback?: number): Option {
  const option = new Option(flags, help).argParser(port);
  return fallback === undefined ? option : option.default(fallback);
}

/** A duration such as 90s or 5m, handed to the command in milliseconds. */
export function durationOption(flags: string, help: string, fallback?: string): Option {
  const option = new Option(flags, help).argParser(duration);
  return fallback === undefined ? option : option.default(duration(fallback), fallback);
}

function duration(value: string): number {
  const ms = parseDuration(value);
  if (!ms) throw new InvalidArgumentError("give a duration such as 500ms, 30s, 2m or 1h.");
  return ms;
}

/** A whole number of things (deliveries, events) from 1 to `max`. */
export function countOption(flags: string, help: string, fallback: number, max = Number.MAX_SAFE_INTEGER) {
  return new Option(flags, help)
    .argParser((value: string) => {
      const n = Number(value);
      if (!/^\d+$/.test(value.trim()) || n < 1 || n > max)
        throw new InvalidArgumentError(`give a whole number from 1 to ${max}.`);
      return n;
    })
    .default(fallback);
}

// Any case, or an alias (pointservices, kopo-kopo); a typo gets a did-you-mean.
function providerArg(value: string): ProviderId {
  const id = toProviderId(value);
  if (id === undefined) throw new InvalidArgumentError(`unknown provider: ${unknownProviderHint(value)}.`);
  return id;
}

export const providerOption = (what: string) =>
  new Option("--provider <id>", `${what}: ${PROVIDER_IDS.join(", ")}`).argParser(providerArg);

export const requiredProvider = () => providerOption("provider (required)").makeOptionMandatory();

/** Where MoneyKit's and PointServices' keys come from, for the commands that verify JWTs. */
export function jwksOptions(fileHelp: string): Option[] {
  return [
    new Option("--jwks-file <file>", fileHelp),
    urlOption("--jwks-url <url>", "fetch the JWKS from this URL instead of the provider's"),
    new Option("--refresh-keys", "ignore the cached JWKS (and OIDC discovery) and fetch them once"),
  ];
}

const SECRET_FILE_HELP =
  "read a secret from this file (kept out of ps; one trailing newline stripped, an empty file refused; repeatable)";

/**
 * The secret flags of one command, declared once. `--secret` and `--secret-file` fill one list in
 * command-line order (newest first, for rotation); mergeSecretFiles hands it to the command as
 * `secret`, so commands never see a file. Empty values, empty files and unset `--secret-env`
 * variables are usage errors at parse time, before anything is signed or verified.
 */
export function secretOptions(ctx: Context, secretHelp: string, envHelp?: string): Option[] {
  const given: string[] = [];
  const options = [
    new Option("--secret <value>", `${secretHelp}; visible in ps, so prefer --secret-file`).argParser(
      (value: string) => {
        given.push(nonEmptySecret(value));
        return given;
      },
    ),
    new Option("--secret-file <path>", SECRET_FILE_HELP).argParser((path: string) => {
      given.push(readSecretFile(path, ctx.cwd));
      return given;
    }),
  ];
  if (envHelp !== undefined)
    options.push(
      new Option("--secret-env <name>", envHelp).argParser((name: string) => {
        secretFromEnv(name, ctx.env);
        return name;
      }),
    );
  return options;
}

/** Both secret flags share one list (see secretOptions); the command gets it as `secret` only. */
export function mergeSecretFiles(command: Command): void {
  const given = command.getOptionValue("secretFile") as string[] | undefined;
  if (given === undefined) return;
  command.setOptionValue("secret", given);
  command.setOptionValue("secretFile", undefined);
}

/** commander's Command, able to take the list of options a factory makes in one chained call. */
export class WhtoolCommand extends Command {
  override createCommand(name?: string): WhtoolCommand {
    return new WhtoolCommand(name);
  }

  addOptions(options: readonly Option[]): this {
    for (const option of options) this.addOption(option);
    return this;
  }
}
