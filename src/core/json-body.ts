import { utf8 } from "./bytes.js";

export type JsonBody =
  | { readonly ok: true; readonly value: unknown; readonly text: string }
  | { readonly ok: false; readonly detail: string };

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Parses a body as UTF-8 JSON without throwing. */
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

/** `JSON.stringify(JSON.parse(body))`: what providers' sample code signs after a framework parsed the body. */
export function compactReserialisation(body: Uint8Array): Uint8Array | undefined {
  const parsed = parseJsonBody(body);
  return parsed.ok ? utf8(JSON.stringify(parsed.value)) : undefined;
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
