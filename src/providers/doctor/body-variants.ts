import { utf8 } from "../../core/bytes.js";
import { isRecord, parseJsonBody } from "../../core/json-body.js";
import { jsonShape } from "./json-shape.js";

/** A body the sender may have signed instead of the bytes received, and how it differs. */
export interface BodyForm {
  readonly bytes: Uint8Array;
  readonly label: string;
}

/** Re-serialising deeper bodies would recurse that deep: the doctor leaves them alone. */
export const MAX_REWRITE_DEPTH = 100;

const BOM = [0xef, 0xbb, 0xbf];

/**
 * The received body with leading/trailing whitespace, a final newline or a byte-order mark undone
 * or added: what a proxy or an `echo` in a pipeline changes. Byte-level, so any body qualifies.
 */
export function whitespaceForms(body: Uint8Array): BodyForm[] {
  const bytes = Buffer.from(body);
  const hasBom = BOM.every((b, i) => bytes[i] === b);
  const text = bytes.toString("latin1");
  const forms: [string, string][] = [
    ["trailing whitespace removed", text.replace(/[ \t\r\n]+$/, "")],
    ["leading whitespace removed", text.replace(/^[ \t\r\n]+/, "")],
    ["a final newline added", `${text}\n`],
    ["a final CRLF added", `${text}\r\n`],
  ];
  if (hasBom) forms.unshift(["the byte-order mark removed", text.slice(3)]);
  else forms.push(["a byte-order mark added", `\xef\xbb\xbf${text}`]);
  return distinct(
    body,
    forms.map(([label, form]) => ({ label, bytes: Buffer.from(form, "latin1") })),
  );
}

type Layout = "compact" | "python" | "pretty2" | "pretty4";
type Escapes = "none" | "ascii" | "slash" | "ascii+slash" | "html";

const LAYOUT_LABEL: Record<Layout, string> = {
  compact: "compact",
  python: 'Python-style ", " and ": " separators',
  pretty2: "pretty-printed (2 spaces)",
  pretty4: "pretty-printed (4 spaces)",
};
const ESCAPE_LABEL: Record<Escapes, string> = {
  none: "",
  ascii: ", non-ASCII as \\uXXXX",
  slash: ", / as \\/",
  "ascii+slash": ", non-ASCII as \\uXXXX and / as \\/",
  html: ", < > & as \\u003c \\u003e \\u0026",
};

/**
 * The body's JSON written the other ways frameworks and relays write it (layout, key order,
 * escapes), most likely first, built lazily so an exhausted budget builds no more. Escapes and key
 * orders that change nothing in this body are skipped. None for non-JSON or bodies deeper than
 * MAX_REWRITE_DEPTH.
 */
export function* reserialisedForms(body: Uint8Array): Generator<BodyForm> {
  const parsed = parseJsonBody(body);
  if (!parsed.ok || jsonShape(parsed.text).depth > MAX_REWRITE_DEPTH) return;
  const plain = write(parsed.value, "compact", false, "none", "");
  // UTF-8 takes more than one byte exactly for the non-ASCII characters.
  const nonAscii = Buffer.byteLength(plain) !== plain.length;
  const slash = plain.includes("/");
  const applies: Record<Escapes, boolean> = {
    none: true,
    ascii: nonAscii,
    slash,
    "ascii+slash": nonAscii && slash,
    html: /[<>&\u2028\u2029]/.test(plain),
  };
  const orders = write(parsed.value, "compact", true, "none", "") === plain ? [false] : [false, true];
  const seen = new Set([Buffer.from(body).toString("latin1")]);
  const layouts: Layout[] = ["compact", "pretty2", "python", "pretty4"];
  for (const escapes of ["none", "ascii", "slash", "ascii+slash", "html"] as const) {
    if (!applies[escapes]) continue;
    for (const layout of layouts)
      for (const sorted of orders) {
        const bytes = utf8(write(parsed.value, layout, sorted, escapes, ""));
        const key = Buffer.from(bytes).toString("latin1");
        if (seen.has(key)) continue;
        seen.add(key);
        yield {
          label: `${LAYOUT_LABEL[layout]}${sorted ? ", keys sorted" : ""}${ESCAPE_LABEL[escapes]}`,
          bytes,
        };
      }
  }
}

/** Whether some object in the value has at least `n` keys (sorted keys then say something). */
function hasObjectWith(value: unknown, n: number, depth = 0): boolean {
  if (depth > MAX_REWRITE_DEPTH) return false;
  if (Array.isArray(value)) return value.some((item) => hasObjectWith(item, n, depth + 1));
  if (!isRecord(value)) return false;
  return Object.keys(value).length >= n || Object.values(value).some((v) => hasObjectWith(v, n, depth + 1));
}

/**
 * When no rebuilt form matches: whether the body is byte for byte what Python's
 * `json.dumps(..., sort_keys=True)` writes (", " and ": " on one line, keys sorted at every level).
 * No provider sends that shape; a relay does, and the original key order is then lost for good.
 */
export function pythonSortedRewrite(body: Uint8Array): string | undefined {
  const parsed = parseJsonBody(body);
  if (!parsed.ok || jsonShape(parsed.text).depth > MAX_REWRITE_DEPTH || !hasObjectWith(parsed.value, 3))
    return undefined;
  for (const escapes of ["ascii", "none"] as const)
    if (write(parsed.value, "python", true, escapes, "") === parsed.text)
      return `json.dumps(sort_keys=True${escapes === "none" ? ", ensure_ascii=False" : ""})`;
  return undefined;
}

/** Drops forms equal to the received body or to an earlier form. */
function distinct(body: Uint8Array, forms: BodyForm[]): BodyForm[] {
  const seen = new Set([Buffer.from(body).toString("latin1")]);
  return forms.filter((form) => {
    const key = Buffer.from(form.bytes).toString("latin1");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function write(value: unknown, layout: Layout, sorted: boolean, escapes: Escapes, indent: string): string {
  if (Array.isArray(value) || isRecord(value)) {
    const step = layout === "pretty2" ? "  " : layout === "pretty4" ? "    " : "";
    const inner = indent + step;
    const entries = Array.isArray(value)
      ? value.map((item) => write(item, layout, sorted, escapes, inner))
      : (sorted ? Object.keys(value).sort() : Object.keys(value)).map(
          (key) =>
            `${quote(key, escapes)}${layout === "compact" ? ":" : ": "}${write(value[key], layout, sorted, escapes, inner)}`,
        );
    const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
    if (entries.length === 0) return `${open}${close}`;
    if (step === "") return `${open}${entries.join(layout === "python" ? ", " : ",")}${close}`;
    return `${open}\n${inner}${entries.join(`,\n${inner}`)}\n${indent}${close}`;
  }
  return typeof value === "string" ? quote(value, escapes) : JSON.stringify(value);
}

const hex4 = (ch: string) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;

function quote(text: string, escapes: Escapes): string {
  let out = JSON.stringify(text);
  if (escapes === "ascii" || escapes === "ascii+slash") out = out.replace(/[\u0080-\uffff]/g, hex4);
  if (escapes === "slash" || escapes === "ascii+slash") out = out.replaceAll("/", "\\/");
  // Go's encoding/json escapes these for HTML safety.
  if (escapes === "html") out = out.replace(/[<>&\u2028\u2029]/g, hex4);
  return out;
}
