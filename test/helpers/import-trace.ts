// Loaded with `node --import` in a spawned process: reports every package it resolves
// ("[import-trace] NAME") and every module of ours ("[module-trace] path under dist/src/"), so a test
// can prove what a command loads and what it leaves alone (see trace.ts).
import { register } from "node:module";

const hooks = `
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  const p = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(result.url);
  if (p) process.stderr.write("[import-trace] " + p[1] + "\\n");
  const m = /\\/dist\\/src\\/(.+\\.js)$/.exec(result.url);
  if (m) process.stderr.write("[module-trace] " + m[1] + "\\n");
  return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`, import.meta.url);
