import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { dotEnvProblems } from "../core/dotenv-lint.js";

/**
 * The environment with `.env` from the working directory underneath it: a variable set in the
 * environment wins over the file. A missing file is fine; an unreadable one is reported, and so is
 * every line Node's parser skips or reads otherwise than its author meant (naming the line).
 */
export function withDotEnv(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): { env: Record<string, string | undefined>; warnings: string[] } {
  let text: string;
  try {
    text = readFileSync(join(cwd, ".env"), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { env: { ...env }, warnings: [] };
    return { env: { ...env }, warnings: [`.env not read: ${(error as Error).message}`] };
  }
  const { text: cleaned, problems } = dotEnvProblems(text);
  const parsed = parseEnv(cleaned);
  // Keys Node made of a mis-written line ("\tKEY", " KEY" from `export  KEY=`) are dropped, not half-read.
  for (const key of Object.keys(parsed)) if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) delete parsed[key];
  return { env: { ...parsed, ...env }, warnings: problems.map((p) => `.env:${p.line}: ${p.problem}`) };
}
