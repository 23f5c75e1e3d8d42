#!/usr/bin/env node
import { processContext } from "../dist/src/context.js";
import { run } from "../dist/src/main.js";

process.exitCode = await run(process.argv.slice(2), processContext());
// A library socket left open (an SDK without timeouts, a keep-alive pool) must not keep a finished
// command alive; the timer is unref'd, so a process that ends by itself never waits for it.
setTimeout(() => process.exit(), 2000).unref();
