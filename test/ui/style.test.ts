import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { Chalk } from "chalk";
import { colourFor, loadColour } from "../../src/ui/style.js";
import { BIN } from "../helpers/cli.js";

const pipe = { write: () => true };
const tty = { write: () => true, isTTY: true };
const ESC = "\u001b[";

describe("colour", () => {
  it("without colour, the styles are chalk's level 0 exactly, chains and several arguments included", () => {
    const plain = colourFor(pipe, {});
    const chalk0 = new Chalk({ level: 0 });
    const cases: [string, (c: typeof chalk0) => string][] = [
      ["one style", (c) => c.green("ok")],
      ["a chain", (c) => c.bold.red.underline("no")],
      ["several arguments", (c) => c.dim("a", 1, "b")],
      ["a number", (c) => c.yellow(42 as unknown as string)],
      ["nothing", (c) => c.cyan()],
    ];
    for (const [what, style] of cases) assert.equal(style(plain), style(chalk0), what);
    assert.equal(plain.level, 0);
  });

  it("a TTY, or FORCE_COLOR, gets real colour once loadColour has run; NO_COLOR wins over a TTY", async () => {
    await loadColour([tty], {});
    assert.equal(colourFor(tty, {}).green("ok"), `${ESC}32mok${ESC}39m`);
    assert.equal(colourFor(pipe, { FORCE_COLOR: "1" }).red("x"), `${ESC}31mx${ESC}39m`);
    assert.equal(colourFor(tty, { NO_COLOR: "1" }).green("ok"), "ok");
    assert.equal(colourFor(pipe, {}).green("ok"), "ok");
  });

  it("a spawned command with FORCE_COLOR=1 colours its output (main loads chalk); into a pipe it has none", () => {
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, [BIN, "providers"], {
        env: { PATH: process.env.PATH ?? "", ...env },
        encoding: "utf8",
      }).stdout;
    assert.ok(run({ FORCE_COLOR: "1" }).includes(ESC), "coloured");
    const plain = run({});
    assert.ok(plain.length > 0 && !plain.includes(ESC), plain);
  });
});
