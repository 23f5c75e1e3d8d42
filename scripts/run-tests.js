#!/usr/bin/env node
// Runs the compiled tests with Node's test runner, behind the loopback-only network guard.
// Usage: node scripts/run-tests.js [filter]   (filter: substring of the test file path)
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = "dist/test";
const filter = process.argv[2];
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith(".test.js") && (!filter || path.includes(filter))) files.push(path);
  }
})(root);
if (files.length === 0) {
  process.stderr.write(`no test files under ${root}${filter ? ` matching ${filter}` : ""}\n`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  [
    "--import",
    "./dist/test/helpers/loopback-only.js",
    "--test",
    "--test-reporter=spec",
    "--test-concurrency=2",
    ...files,
  ],
  { stdio: "inherit", env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined } },
);
process.exit(result.status ?? 1);
