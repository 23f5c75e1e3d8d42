// Finds string literals that name a provider id: the ids may be spelled out only in the registry's
// folder and in the one list of ids. Comments are never scanned; object keys count (they are names too).
import ts from "typescript";
import type { SourceFile } from "./layers.js";

export interface IdLiteral {
  readonly path: string;
  readonly line: number;
  readonly text: string;
}

export function idLiterals(files: readonly SourceFile[], ids: readonly string[]): IdLiteral[] {
  const wanted = new Set(ids);
  const found: IdLiteral[] = [];
  for (const { path, source } of files) {
    const visit = (node: ts.Node) => {
      const text =
        ts.isStringLiteralLike(node) ||
        ts.isTemplateHead(node) ||
        ts.isTemplateMiddle(node) ||
        ts.isTemplateTail(node)
          ? node.text
          : ts.isIdentifier(node) &&
              (ts.isPropertyAssignment(node.parent) || ts.isPropertySignature(node.parent)) &&
              node.parent.name === node
            ? node.text
            : undefined;
      if (text !== undefined && wanted.has(text.trim().toLowerCase()))
        found.push({ path, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, text });
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}
