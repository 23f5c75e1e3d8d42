import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";

/**
 * The environment with `.env` from the working directory underneath it: a variable set in the
 * environment wins over the file. A missing file is fine; an unreadable one is reported.
 */
export function withDotEnv(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): { env: Record<string, string | undefined>; warning?: string } {
  let text: string;
  try {
    text = readFileSync(join(cwd, ".env"), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { env: { ...env } };
    return { env: { ...env }, warning: `.env not read: ${(error as Error).message}` };
  }
  return { env: { ...parseEnv(text), ...env } };
}
