// Loaded with `node --import` in a spawned whtool: reports every module of ours (dist/src/) the
// process resolves (and every package, as [package-trace] NAME), so a test can prove which parts of the registry rows stay unloaded.
import { register } from "node:module";

const hooks = `
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  const m = /\\/dist\\/src\\/(.+\\.js)$/.exec(result.url);
  if (m) process.stderr.write("[module-trace] " + m[1] + "\\n");
  const p = /\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(result.url);
  if (p) process.stderr.write("[package-trace] " + p[1] + "\\n");
  return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`, import.meta.url);
