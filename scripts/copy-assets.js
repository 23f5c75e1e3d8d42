#!/usr/bin/env node
// Copies the inspector's static page (HTML, CSS, JS) into dist beside the compiled modules, so the
// package ships it: tsc only emits what it compiles.
import { cpSync } from "node:fs";

cpSync("src/inspector/assets", "dist/src/inspector/assets", { recursive: true });
