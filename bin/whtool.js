#!/usr/bin/env node
import { processContext } from "../dist/src/context.js";
import { run } from "../dist/src/main.js";

process.exitCode = await run(process.argv.slice(2), processContext());
