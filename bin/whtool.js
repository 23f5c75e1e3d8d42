#!/usr/bin/env node
import { readFileSync, writeSync } from "node:fs";

// `whtool --version` answers from package.json alone: CI scripts call it, and building the program
// (commander, every command) or even process.stdout's stream would cost what a real command costs.
if (process.argv.length === 3 && (process.argv[2] === "--version" || process.argv[2] === "-V")) {
  const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  try {
    writeSync(1, `${version}\n`);
  } catch (error) {
    // A closed stdout (`| head -0`) ends quietly, as every command does; anything else is retried as a stream.
    if (error.code !== "EPIPE") process.stdout.write(`${version}\n`);
  }
} else {
  const { processContext } = await import("../dist/src/context.js");
  const { run } = await import("../dist/src/main.js");
  process.exitCode = await run(process.argv.slice(2), processContext());
  // A library socket left open (an SDK without timeouts, a keep-alive pool) must not keep a finished
  // command alive; the timer is unref'd, so a process that ends by itself never waits for it.
  setTimeout(() => process.exit(), 2000).unref();
}
