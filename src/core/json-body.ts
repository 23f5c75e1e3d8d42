import { type JsonScan, scanJson } from "./json-scan.js";

export type JsonBody =
  | {
      readonly ok: true;
      /** May be nested arbitrarily deep: read fields, never recurse over it (JSON.stringify included). */
      readonly value: unknown;
      readonly text: string;
      readonly scan: JsonScan & { ok: true };
    }
  | { readonly ok: false; readonly detail: string };

// ignoreBOM keeps a leading U+FEFF in the text, so a BOM-prefixed body is reported, not silently dropped.
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Parses a body as UTF-8 JSON without throwing, at any depth: the iterative scanner validates it
 * first, and V8's JSON.parse is itself iterative (a test pins both at 100,000 levels).
 */
export function parseJsonBody(body: Uint8Array): JsonBody {
  let text: string;
  try {
    text = strictUtf8.decode(body);
  } catch {
    return { ok: false, detail: `body is not valid UTF-8 (${body.length} bytes)` };
  }
  const scan = scanJson(text);
  if (!scan.ok) return { ok: false, detail: `body is not JSON: ${scan.detail}` };
  try {
    return { ok: true, value: JSON.parse(text), text, scan };
  } catch (error) {
    return { ok: false, detail: `body is not JSON: ${(error as Error).message}` };
  }
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
