#!/usr/bin/env node
// CommonJS on purpose (bin/package.json): `whtool --version` then answers without starting Node's ESM
// loader, at the cost of `node -e 0`. Every other command imports the ES-module program.
const { readFileSync, writeSync } = require("node:fs");
const { join } = require("node:path");

// `whtool --version` answers from package.json alone: CI scripts call it, and building the program
// (commander, every command) or even process.stdout's stream would cost what a real command costs.
if (process.argv.length === 3 && (process.argv[2] === "--version" || process.argv[2] === "-V")) {
  const { version } = JSON.parse(readFileSync(join(__dirname, "..", "package.json"), "utf8"));
  try {
    writeSync(1, `${version}\n`);
  } catch (error) {
    // A closed stdout (`| head -0`) ends quietly, as every command does; anything else is retried as a stream.
    if (error.code !== "EPIPE") process.stdout.write(`${version}\n`);
  }
} else {
  (async () => {
    const { processContext } = await import("../dist/src/context.js");
    const { run } = await import("../dist/src/main.js");
    process.exitCode = await run(process.argv.slice(2), processContext());
    // A library socket left open (an SDK without timeouts, a keep-alive pool) must not keep a finished
    // command alive; the timer is unref'd, so a process that ends by itself never waits for it.
    setTimeout(() => process.exit(), 2000).unref();
  })().catch((error) => {
    // run() turns every failure into an exit code; reaching here means the program could not load.
    process.stderr.write(
      `whtool: could not start: ${error?.stack ?? error}\nRun npm run build (or npm ci) first.\n`,
    );
    process.exitCode = 70;
  });
}
