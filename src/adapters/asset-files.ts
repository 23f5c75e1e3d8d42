import { readFile } from "node:fs/promises";

/** Where the build copies the inspector page's files (scripts/copy-assets.js): dist/src/inspector/assets/. */
const INSPECTOR_ASSETS = new URL("../inspector/assets/", import.meta.url);

/** Reads the named files (a handful of kilobytes) from the page's folder, as text. */
export async function readAssetFiles(names: readonly string[]): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (const name of names) texts.set(name, await readFile(new URL(name, INSPECTOR_ASSETS), "utf8"));
  return texts;
}
