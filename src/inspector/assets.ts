import { readAssetFiles } from "../adapters/asset-files.js";

/** The page's files, shipped in the package beside this module (copied into dist by the build). */
const FILES: Readonly<Record<string, { readonly file: string; readonly type: string }>> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/style.css": { file: "style.css", type: "text/css; charset=utf-8" },
  "/favicon.svg": { file: "favicon.svg", type: "image/svg+xml" },
};

/** Where index.html takes the per-run token (a meta tag the page reads; hex, so safe in an attribute). */
const TOKEN_SLOT = "__WHTOOL_TOKEN__";

export interface Assets {
  get(path: string, token: string): { readonly type: string; readonly body: string } | undefined;
}

/** Reads the page's files once, at start (adapters/asset-files.ts). */
export async function loadAssets(): Promise<Assets> {
  const texts = await readAssetFiles(Object.values(FILES).map((f) => f.file));
  const loaded = new Map<string, { type: string; body: string }>();
  for (const [path, { file, type }] of Object.entries(FILES))
    loaded.set(path, { type, body: texts.get(file) ?? "" });
  return {
    get(path, token) {
      const asset = loaded.get(path === "/index.html" ? "/" : path);
      if (!asset) return undefined;
      return path === "/" || path === "/index.html"
        ? { ...asset, body: asset.body.replace(TOKEN_SLOT, token) }
        : asset;
    },
  };
}
