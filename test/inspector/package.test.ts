import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

test("npm pack ships the inspector's page (tsc does not copy it: the build step does)", () => {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  const [pack] = JSON.parse(out) as { files: { path: string }[] }[];
  const paths = new Set((pack?.files ?? []).map((f) => f.path));
  for (const file of ["index.html", "app.js", "style.css", "favicon.svg"])
    assert.ok(paths.has(`dist/src/inspector/assets/${file}`), file);
});
