import { existsSync, readFileSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";

/*
 * Files the user names on the command line (a capture, --body, --secret-file, --jwks-file, a Dfns
 * key file): read as they are, like any command-line tool. whtool's own private files (.whtool/)
 * go through files.ts, which never follows a link and keeps them 0600.
 */

export function pathExists(path: string): boolean {
  return existsSync(path);
}

export function readUserFile(path: string): Promise<Buffer> {
  return readFile(path);
}

export function readUserText(path: string): Promise<string> {
  return readFile(path, "utf8");
}

/** For option parsing, which is synchronous (--secret-file, --jwks-file). */
export function readUserTextSync(path: string): string {
  return readFileSync(path, "utf8");
}

export async function fileSize(path: string): Promise<number> {
  return (await stat(path)).size;
}
