import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import ts from "typescript";
import { tempDir } from "../helpers/tmp.js";
import { readTree } from "./layers.js";
import { SRC } from "./source-root.js";

/** Modules that reach the disk, the network or other processes: ARCHITECTURE.md keeps them in adapters/. */
const IO_MODULES = new Set([
  "node:fs",
  "node:fs/promises",
  "node:net",
  "node:http",
  "node:https",
  "node:http2",
  "node:dgram",
  "node:child_process",
  "node:os",
  "undici",
  "@ngrok/ngrok",
]);

/** Pure names an I/O module also exports: a table of status texts reads nothing. */
const PURE_NAMES: Readonly<Record<string, readonly string[]>> = { "node:http": ["STATUS_CODES"] };

/**
 * Every I/O import outside adapters/, as "file → module": static and dynamic imports, except
 * type-only ones and imports of only the pure names above.
 */
function ioImportViolations(root: string, modules = IO_MODULES, home = "adapters/"): string[] {
  const violations: string[] = [];
  for (const file of readTree(root)) {
    if (file.path.startsWith(home)) continue;
    const visit = (node: ts.Node) => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        const module = node.moduleSpecifier.text;
        const clause = node.importClause;
        const named =
          clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings : null;
        // `import { a, b } from "m"` only (no default, no namespace): then each name can be judged.
        const names = clause && !clause.name && named ? named.elements : null;
        const typeOnly = clause?.isTypeOnly === true || (names?.every((e) => e.isTypeOnly) ?? false);
        const pure =
          names?.every((e) => e.isTypeOnly || PURE_NAMES[module]?.includes(e.name.text) === true) ?? false;
        if (modules.has(module) && !typeOnly && !pure) violations.push(`${file.path} → ${module}`);
      } else if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword &&
        node.arguments[0] &&
        ts.isStringLiteralLike(node.arguments[0]) &&
        modules.has(node.arguments[0].text)
      )
        violations.push(`${file.path} → ${node.arguments[0].text}`);
      ts.forEachChild(node, visit);
    };
    visit(file.source);
  }
  return violations;
}

describe("I/O lives in adapters/ (ARCHITECTURE.md)", () => {
  it("no file outside src/adapters/ imports the file system, the network, processes, undici or ngrok", () => {
    const violations = ioImportViolations(SRC);
    assert.deepEqual(violations, [], violations.join("\n"));
  });

  it("only ui/ touches the terminal libraries (chalk, ora)", () => {
    const violations = ioImportViolations(SRC, new Set(["chalk", "ora"]), "ui/");
    assert.deepEqual(violations, [], violations.join("\n"));
  });

  it("a planted import fails, whether static or dynamic; type-only imports and pure names pass", () => {
    const root = tempDir("whtool-io-");
    const files: Record<string, string> = {
      "commands/reads.ts": 'import { readFile } from "node:fs/promises";\nexport const r = readFile;\n',
      "api/lazy.ts": 'export const u = () => import("undici");\n',
      "api/types.ts": 'import type { Dispatcher } from "undici";\nexport type D = Dispatcher;\n',
      "emulators/codes.ts": 'import { STATUS_CODES } from "node:http";\nexport const c = STATUS_CODES;\n',
      "adapters/files.ts": 'import { readFile } from "node:fs/promises";\nexport const f = readFile;\n',
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    assert.deepEqual(ioImportViolations(root), [
      "api/lazy.ts → undici",
      "commands/reads.ts → node:fs/promises",
    ]);
  });
});
