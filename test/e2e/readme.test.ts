import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const README = readFileSync(fileURLToPath(new URL("../../../README.md", import.meta.url)), "utf8");

/** Every `whtool …` command line in the README's sh/yaml code blocks, continuation lines joined. */
function readmeCommands(): string[] {
  const commands: string[] = [];
  for (const block of README.matchAll(/```(?:sh|yaml)\n([\s\S]*?)```/g)) {
    const text = (block[1] ?? "").replace(/\n\s+(?=\[|--|\()/g, " ");
    for (const line of text.split("\n")) {
      const at = line.search(/\bwhtool (?=[a-z])/);
      if (at < 0) continue;
      commands.push(
        line
          .slice(at)
          .replace(/\s+#.*$/, "")
          .replace(/["')]+$/, "")
          .trim(),
      );
    }
  }
  return commands;
}

const helpCache = new Map<string, string>();
async function helpOf(command: string): Promise<string> {
  const cached = helpCache.get(command);
  if (cached !== undefined) return cached;
  const result = await runCli([command, "--help"], { cwd: tempDir() });
  assert.equal(result.code, 0, `whtool ${command} --help: ${result.stderr}`);
  helpCache.set(command, result.stdout);
  return result.stdout;
}

describe("the README and the tool agree", () => {
  const commands = readmeCommands();

  test("the README shows a good number of whtool command lines (the extraction works)", () => {
    assert.ok(commands.length >= 25, `only ${commands.length} found`);
  });

  test("every command the README shows exists, and every flag it uses is in that command's --help", async () => {
    const problems: string[] = [];
    for (const line of commands) {
      const [, command = ""] = /^whtool ([a-z]+)/.exec(line) ?? [];
      const help = await helpOf(command).catch((error: Error) => {
        problems.push(error.message);
        return "";
      });
      for (const flag of line.match(/(?<![\w-])--[a-z][a-z-]*/g) ?? [])
        if (flag !== "--help" && !new RegExp(`(^|[\\s,])${flag}(?![\\w-])`, "m").test(help))
          problems.push(`README: \`${line}\` uses ${flag}, which whtool ${command} --help does not list`);
    }
    assert.deepEqual(problems, []);
  });

  test("the offline one-liners the README gives run as written", async () => {
    const dir = tempDir();
    for (const argv of [["providers"], ["providers", "dfns"], ["emulate", "--stop"]]) {
      const result = await runCli(argv, { cwd: dir });
      // --stop with nothing running says so (exit 1); the rest succeed.
      assert.ok(
        result.code === 0 || (argv[1] === "--stop" && result.code === 1),
        `${argv.join(" ")}: ${result.stderr}`,
      );
    }
  });
});
