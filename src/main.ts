import { CommanderError } from "commander";
import { withDotEnv } from "./adapters/env.js";
import { packageVersion } from "./adapters/package-info.js";
import { buildProgram } from "./cli.js";
import type { Context } from "./context.js";
import { EXIT, WhtoolError } from "./errors.js";
import { type ErrorReport, errorLine, errorText } from "./ui/error-text.js";
import { emit } from "./ui/json-lines.js";
import { loadColour } from "./ui/style.js";

const ISSUES_URL = "https://github.com/whtool/whtool/issues";
const USAGE_HINT = "add --help for usage and examples";

/**
 * Whether --json was asked for, as far as the words show before commander has parsed them (a
 * parse error has no parsed options); once an action runs, its parsed options say it exactly.
 */
function jsonInArgv(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).includes("--json");
}

/** Runs whtool with `argv` (without node and script) and returns the exit code. The only top-level catch. */
export async function run(argv: readonly string[], baseCtx: Context): Promise<number> {
  const { env, warnings } = withDotEnv(baseCtx.env, baseCtx.cwd);
  const ctx: Context = { ...baseCtx, env };
  for (const warning of warnings) ctx.stderr.write(`warning: ${warning}\n`);
  await loadColour([ctx.stdout, ctx.stderr], env);
  let exitCode: number = EXIT.ok;
  let json = jsonInArgv(argv);
  const program = buildProgram(
    ctx,
    packageVersion(),
    (code) => {
      exitCode = code;
    },
    argv[0],
  ).hook("preAction", (_program, action) => {
    json = action.opts().json === true;
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    const report = reportOf(error);
    if (report === undefined) return EXIT.ok;
    // commander has already printed its own message (and the --help hint) to stderr.
    if (!(error instanceof CommanderError)) ctx.stderr.write(errorText(report));
    if (json) emit(ctx, errorLine(report));
    return report.exitCode;
  }
}

/** What a failure says and its exit code; undefined for commander's help and version, which are not failures. */
function reportOf(error: unknown): ErrorReport | undefined {
  if (error instanceof CommanderError) {
    if (
      error.code === "commander.helpDisplayed" ||
      error.code === "commander.version" ||
      error.code === "commander.help"
    )
      return undefined;
    // Every other parse failure is a usage error.
    return {
      code: "usage",
      message: error.message.replace(/^error: /, ""),
      hint: USAGE_HINT,
      exitCode: EXIT.usage,
    };
  }
  if (error instanceof WhtoolError)
    return { code: error.code, message: error.message, hint: error.hint ?? null, exitCode: error.exitCode };
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return {
    code: "internal",
    message: stack,
    hint: `please report it at ${ISSUES_URL} with the command you ran`,
    exitCode: EXIT.internal,
  };
}
