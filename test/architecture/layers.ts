// The allowed import directions between src/ folders (ARCHITECTURE.md) and a checker that holds
// a source tree to them. Parsing uses the TypeScript compiler, so comments and strings that merely
// look like imports are never mistaken for one.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

/** Each folder's direct arrows; a folder may import anything reachable along them. */
const ARROWS: Readonly<Record<string, readonly string[]>> = {
  main: ["cli"],
  cli: ["commands"],
  commands: ["listen", "loop", "check", "inspector", "config", "ui"],
  // The inspector serves what listen captures: its events and capture file, replayed as listen forwards.
  inspector: ["listen", "config", "providers", "adapters", "core"],
  listen: ["config", "providers", "adapters", "core"],
  loop: ["config", "providers", "adapters", "core"],
  check: ["config", "providers", "adapters", "core"],
  // config reads the registry's descriptors and the adapters that load keys and secrets.
  config: ["providers", "adapters", "core"],
  providers: ["api", "emulators", "adapters", "core"],
  api: ["adapters", "core"],
  emulators: ["adapters", "core"],
  adapters: ["core"],
  ui: ["core"],
  core: [],
};

/** Folders each folder may import: itself plus everything reachable along the arrows. */
export const ALLOWED: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.keys(ARROWS).map((from) => {
    const seen = new Set<string>([from]);
    const stack = [...(ARROWS[from] ?? [])];
    for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...(ARROWS[next] ?? []));
    }
    return [from, seen];
  }),
);

/**
 * The layer a file under src/ belongs to: its top folder; top-level files by name (errors.ts,
 * context.ts are core-level; cli-options.ts, the option factories cli.ts declares with, is cli).
 */
export function layerOf(pathInSrc: string): string {
  const [head = "", ...rest] = pathInSrc.split(sep).join("/").split("/");
  if (rest.length > 0) return head;
  const name = head.replace(/\.[jt]s$/, "");
  if (name === "cli-options") return "cli";
  return name === "errors" || name === "context" ? "core" : name;
}

export interface SourceFile {
  /** Path relative to the src root, with forward slashes. */
  readonly path: string;
  readonly source: ts.SourceFile;
}

/** Every .ts file under `root`, parsed. */
export function readTree(root: string): SourceFile[] {
  const out: SourceFile[] = [];
  (function walk(dir: string) {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".ts") && !name.endsWith(".d.ts"))
        out.push({
          path: relative(root, path).split(sep).join("/"),
          source: ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.ES2022, true),
        });
    }
  })(root);
  return out;
}

/** Relative module specifiers of a file: static imports, re-exports and dynamic `import("…")`. */
export function importsOf(source: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    )
      found.push(node.moduleSpecifier.text);
    else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    )
      found.push(node.arguments[0].text);
    else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    )
      found.push(node.argument.literal.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.filter((specifier) => specifier.startsWith("."));
}

/** Every import that runs against the allowed directions, as "from → to (specifier)". */
export function layerViolations(root: string): string[] {
  const violations: string[] = [];
  for (const file of readTree(root)) {
    const from = layerOf(file.path);
    const allowed = ALLOWED.get(from);
    for (const specifier of importsOf(file.source)) {
      const target = relative(root, resolve(root, dirname(file.path), specifier));
      if (target.startsWith("..")) continue; // outside src/: not ours to judge here
      const to = layerOf(target);
      if (!allowed?.has(to))
        violations.push(`${file.path} → ${target.split(sep).join("/")} (${from} may not import ${to})`);
    }
  }
  return violations;
}

/**
 * Inside providers/: a provider's folder imports no other provider's folder, and the shared files
 * import no provider's folder, except the registry (index.ts) and what `mayReachIn` names.
 */
export function providerFolderViolations(
  root: string,
  ids: readonly string[],
  mayReachIn: (path: string) => boolean,
): string[] {
  const folderOf = (path: string) => {
    const [head, folder, ...rest] = path.split("/");
    return head === "providers" && rest.length > 0 && folder !== undefined && ids.includes(folder)
      ? folder
      : null;
  };
  const violations: string[] = [];
  for (const file of readTree(root)) {
    if (!file.path.startsWith("providers/") || file.path === "providers/index.ts" || mayReachIn(file.path))
      continue;
    const own = folderOf(file.path);
    for (const specifier of importsOf(file.source)) {
      const target = relative(root, resolve(root, dirname(file.path), specifier))
        .split(sep)
        .join("/");
      const theirs = folderOf(target);
      if (theirs !== null && theirs !== own)
        violations.push(
          `${file.path} → ${target} (${own ?? "a shared provider file"} may not import ${theirs})`,
        );
    }
  }
  return violations;
}
