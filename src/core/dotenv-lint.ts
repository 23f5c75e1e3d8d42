export interface DotEnvProblem {
  readonly line: number;
  readonly problem: string;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * What in a .env text Node's `util.parseEnv` would skip or misread: a byte-order mark (removed
 * here, so the first key stays intact), indented lines, `export` with more than one space, lines
 * that are not KEY=value, and quotes that open but never close (Node then keeps the quote in the
 * value — a secret with a stray `"` is a classic signature mismatch).
 * The text returned is what to hand the parser: the mark removed and every line named "skipped"
 * blanked, because Node 22+ trims keys and would read them after all (Node 20 skips or mangles them):
 * whtool then reads the same variables on every Node version.
 */
export function dotEnvProblems(input: string): { text: string; problems: DotEnvProblem[] } {
  const problems: DotEnvProblem[] = [];
  let text = input;
  if (text.startsWith("\uFEFF")) {
    text = text.slice(1);
    problems.push({
      line: 1,
      problem: "the file starts with a byte-order mark (ignored); save it as plain UTF-8",
    });
  }
  const lines = text.split(/\r?\n/);
  const skipped = new Set<number>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const n = i + 1;
    if (line.trim() === "" || line.trim().startsWith("#")) continue;
    if (/^ *\t/.test(line)) {
      problems.push({ line: n, problem: "indented with a tab: skipped (remove the indentation)" });
      skipped.add(i);
      continue;
    }
    const body = line.trimStart();
    if (/^export\s{2,}|^export\t/.test(body)) {
      problems.push({
        line: n,
        problem: "more than one space after export: skipped (write export KEY=value)",
      });
      skipped.add(i);
      continue;
    }
    const eq = body.indexOf("=");
    const key = (eq < 0 ? body : body.slice(0, eq)).replace(/^export /, "").trim();
    if (eq < 0 || !KEY.test(key)) {
      problems.push({ line: n, problem: "not KEY=value: skipped" });
      skipped.add(i);
      continue;
    }
    const value = body.slice(eq + 1).trimStart();
    const quote = value[0];
    if (quote === '"' || quote === "'" || quote === "`") {
      const rest = [value.slice(1), ...lines.slice(i + 1)].join("\n");
      const close = rest.indexOf(quote);
      if (close < 0) {
        problems.push({
          line: n,
          problem: `${key}: the ${quote} quote is never closed, so the value keeps the ${quote} (close the quote)`,
        });
        continue;
      }
      // A quoted value may span lines: skip the lines it covers.
      i += (rest.slice(0, close).match(/\n/g) ?? []).length;
    }
  }
  if (skipped.size > 0) text = lines.map((line, i) => (skipped.has(i) ? "" : line)).join("\n");
  return { text, problems };
}
