import { readFileSync } from "node:fs";
import { CommanderError } from "commander";
import { withDotEnv } from "./adapters/env.js";
import { buildProgram } from "./cli.js";
import type { Context } from "./context.js";
import { printable } from "./core/printable.js";
import { EXIT, WhtoolError } from "./errors.js";

const ISSUES_URL = "https://github.com/whtool/whtool/issues";

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

/** Runs whtool with `argv` (without node and script) and returns the exit code. The only top-level catch. */
export async function run(argv: readonly string[], baseCtx: Context): Promise<number> {
  const { env, warnings } = withDotEnv(baseCtx.env, baseCtx.cwd);
  const ctx: Context = { ...baseCtx, env };
  for (const warning of warnings) ctx.stderr.write(`warning: ${warning}\n`);
  let exitCode: number = EXIT.ok;
  const program = buildProgram(ctx, packageVersion(), (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version print and exit 0; every other parse failure is a usage error.
      if (
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.code === "commander.help"
      )
        return EXIT.ok;
      return EXIT.usage;
    }
    if (error instanceof WhtoolError) {
      // Messages quote flags, file names and ids from captures: neutralised like any delivery string.
      ctx.stderr.write(`error: ${printable(error.message)}\n`);
      if (error.hint) ctx.stderr.write(`  → ${printable(error.hint)}\n`);
      return error.exitCode;
    }
    const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
    ctx.stderr.write(
      `internal error (a bug in whtool): ${stack}\n  → please report it at ${ISSUES_URL} with the command you ran\n`,
    );
    return EXIT.internal;
  }
}
