import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

describe("the package as an app installs it", () => {
  test("npm pack ships bin/ and the built CLI, and no tests, sources or captures", () => {
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    const [pack] = JSON.parse(out) as { files: { path: string }[] }[];
    const paths = (pack?.files ?? []).map((f) => f.path);
    assert.ok(paths.includes("bin/whtool.js"));
    // The bin is CommonJS (fast --version); without its package.json Node would read it as an ES module.
    assert.ok(paths.includes("bin/package.json"));
    assert.ok(paths.includes("dist/src/main.js"));
    assert.ok(paths.includes("dist/src/cli.js"));
    assert.ok(paths.includes("package.json"));
    for (const path of paths) assert.doesNotMatch(path, /^(src|test|dist\/test|\.whtool)\/|\.env$/, path);
    // Every module the CLI can lazy-load is in the package (a missing one fails only at run time).
    const built = readdirSync(new URL("../../src/commands/", import.meta.url)).filter((f) =>
      f.endsWith(".js"),
    );
    for (const file of built) assert.ok(paths.includes(`dist/src/commands/${file}`), file);
  });
});
