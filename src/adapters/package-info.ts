import { readFileSync } from "node:fs";

/** whtool's own version, from its package.json (this file is dist/src/adapters/: three levels up). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}
