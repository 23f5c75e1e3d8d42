import { type JsonScan, scanJson } from "./json-scan.js";

export type JsonBody =
  | {
      readonly ok: true;
      /** May be nested arbitrarily deep: read fields, never recurse over it (JSON.stringify included). */
      readonly value: unknown;
      readonly text: string;
    }
  | { readonly ok: false; readonly detail: string };

// ignoreBOM keeps a leading U+FEFF in the text, so a BOM-prefixed body is reported, not silently dropped.
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Parses a body as UTF-8 JSON without throwing, at any depth: V8's JSON.parse is iterative
 * (a test pins it at 100,000 levels); only what walks the value afterwards can overflow.
 */
export function parseJsonBody(body: Uint8Array): JsonBody {
  let text: string;
  try {
    text = strictUtf8.decode(body);
  } catch {
    return { ok: false, detail: `body is not valid UTF-8 (${body.length} bytes)` };
  }
  try {
    return { ok: true, value: JSON.parse(text), text };
  } catch (error) {
    return { ok: false, detail: `body is not JSON: ${(error as Error).message}` };
  }
}

export type ScannedJsonBody =
  | (JsonBody & { readonly ok: true; readonly scan: JsonScan & { readonly ok: true } })
  | { readonly ok: false; readonly detail: string };

/** The parsed body plus its iterative scan (whitespace-stripped form, depth, duplicate keys). */
export function scanJsonBody(body: Uint8Array): ScannedJsonBody {
  const parsed = parseJsonBody(body);
  if (!parsed.ok) return parsed;
  const scan = scanJson(parsed.text);
  // Cannot happen while the scanner and JSON.parse agree on what JSON is; said plainly if they ever differ.
  if (!scan.ok) return { ok: false, detail: `body is not JSON: ${scan.detail}` };
  return { ...parsed, scan };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A string field of a JSON object, or undefined. */
export function stringField(value: unknown, key: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const field = value[key];
  return typeof field === "string" ? field : undefined;
}

export function numberField(value: unknown, key: string): number | undefined {
  if (!isRecord(value)) return undefined;
  const field = value[key];
  return typeof field === "number" && Number.isFinite(field) ? field : undefined;
}
