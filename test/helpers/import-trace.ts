// Loaded with `node --import` in a spawned whtool: reports every package module the process resolves,
// so a test can prove `whtool verify` never loads ngrok, ora or undici.
import { register } from "node:module";

const hooks = `
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(result.url);
  if (m) process.stderr.write("[import-trace] " + m[1] + "\\n");
  return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`, import.meta.url);
