/** The first object key that appears twice in one object, and where (a JSONPath-like `$.a[0]`). */
export interface DuplicateKey {
  readonly key: string;
  readonly path: string;
}

export type JsonScan =
  | {
      readonly ok: true;
      /** The text with the whitespace between tokens removed; strings, numbers and literals kept byte for byte. */
      readonly stripped: string;
      /** Deepest nesting of arrays and objects (0 for a bare scalar). */
      readonly depth: number;
      readonly duplicate: DuplicateKey | undefined;
    }
  | { readonly ok: false; readonly detail: string };

interface Frame {
  readonly kind: "object" | "array";
  /** Keys seen so far (objects only, created on the first key). */
  keys: Set<string> | undefined;
  /** The current key, or the current index: where a duplicate is reported. */
  at: string | number;
}

/** What the scanner expects next. */
type Expect = "value" | "value-or-close" | "key" | "key-or-close" | "colon" | "comma-or-close";

/** Segments kept at each end of a reported path. */
const PATH_ENDS = 8;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON forbids raw control characters in strings.
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const LITERALS = ["true", "false", "null"] as const;

const isWhitespace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

class ScanError extends Error {}

/**
 * One iterative pass over JSON text (RFC 8259): validates it, measures its depth, finds duplicate
 * keys and removes insignificant whitespace, with no recursion, so any nesting depth is safe
 * (JSON.stringify and recursive walkers overflow the stack on a few thousand levels).
 */
export function scanJson(text: string): JsonScan {
  try {
    return scan(text);
  } catch (error) {
    if (error instanceof ScanError) return { ok: false, detail: error.message };
    throw error;
  }
}

function scan(text: string): JsonScan {
  const out: string[] = [];
  const stack: Frame[] = [];
  let expect: Expect = "value";
  let depth = 0;
  let duplicate: DuplicateKey | undefined;
  let i = 0;
  let kept = 0;
  let done = false;
  const fail = (what: string): never => {
    const c = text.codePointAt(i);
    const found = c === undefined ? "end of text" : `${JSON.stringify(String.fromCodePoint(c))}`;
    throw new ScanError(`expected ${what} at offset ${i}, found ${found}`);
  };

  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (isWhitespace(c)) {
      // Whitespace is kept out of `stripped` by cutting the text around each run of it.
      if (i > kept) out.push(text.slice(kept, i));
      while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
      kept = i;
      continue;
    }
    if (done) fail("end of text");
    const top = stack[stack.length - 1];
    if (expect === "colon") {
      if (c !== 0x3a) fail('":"');
      i++;
      expect = "value";
      continue;
    }
    if (expect === "comma-or-close") {
      if (c === 0x2c && top) {
        i++;
        if (top.kind === "array") {
          top.at = (top.at as number) + 1;
          expect = "value";
        } else expect = "key";
        continue;
      }
      if ((c === 0x5d && top?.kind === "array") || (c === 0x7d && top?.kind === "object")) {
        i++;
        stack.pop();
        if (stack.length === 0) done = true;
        continue;
      }
      fail(top?.kind === "object" ? '"," or "}"' : '"," or "]"');
    }
    if (expect === "key" || expect === "key-or-close") {
      if (c === 0x7d && expect === "key-or-close") {
        i++;
        stack.pop();
        if (stack.length === 0) done = true;
        expect = "comma-or-close";
        continue;
      }
      if (c !== 0x22) fail(expect === "key" ? "a string key" : 'a string key or "}"');
      const end = stringEnd(text, i);
      const token = text.slice(i, end);
      const key = token.includes("\\") ? (JSON.parse(token) as string) : token.slice(1, -1);
      if (top) {
        top.keys ??= new Set();
        if (top.keys.has(key) && duplicate === undefined) duplicate = { key, path: pathOf(stack) };
        top.keys.add(key);
        top.at = key;
      }
      i = end;
      expect = "colon";
      continue;
    }
    // A value (or, right after "[", the closing bracket).
    if (c === 0x5d && expect === "value-or-close") {
      i++;
      stack.pop();
      if (stack.length === 0) done = true;
      expect = "comma-or-close";
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      const kind = c === 0x7b ? "object" : "array";
      stack.push({ kind, keys: undefined, at: 0 });
      depth = Math.max(depth, stack.length);
      i++;
      expect = kind === "object" ? "key-or-close" : "value-or-close";
      continue;
    }
    let end: number;
    if (c === 0x22) end = stringEnd(text, i);
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      NUMBER.lastIndex = i;
      if (!NUMBER.test(text)) fail("a number");
      end = NUMBER.lastIndex;
    } else {
      const literal = LITERALS.find((word) => text.startsWith(word, i));
      if (literal === undefined) fail("a value");
      end = i + (literal as string).length;
    }
    i = end;
    if (stack.length === 0) done = true;
    expect = "comma-or-close";
  }
  if (!done) fail(stack.length === 0 ? "a value" : "the rest of the JSON");
  if (kept < text.length) out.push(text.slice(kept));
  return { ok: true, stripped: out.join(""), depth, duplicate };
}

/** Index just past the string token starting at `start` (a `"`); throws on a bad escape or raw control character. */
function stringEnd(text: string, start: number): number {
  STRING.lastIndex = start;
  if (STRING.test(text)) return STRING.lastIndex;
  // Not a valid string: walk it to say where and why.
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20)
      throw new ScanError(
        `unescaped control character U+${c.toString(16).padStart(4, "0")} in a string at offset ${i}`,
      );
    if (c === 0x5c) {
      const e = text[i + 1];
      if (e === "u") {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)))
          throw new ScanError(`bad \\u escape at offset ${i}`);
        i += 6;
        continue;
      }
      if (e === undefined || !'"\\/bfnrt'.includes(e)) throw new ScanError(`bad escape at offset ${i}`);
      i += 2;
      continue;
    }
    i++;
  }
  throw new ScanError(`unterminated string starting at offset ${start}`);
}

/** Where the innermost open object sits, as `$.a[0]["odd key"]`; a very deep path keeps its ends. */
function pathOf(stack: readonly Frame[]): string {
  const segments = stack.slice(0, -1).map(({ at }) => {
    if (typeof at === "number") return `[${at}]`;
    return IDENTIFIER.test(at)
      ? `.${at}`
      : `[${JSON.stringify(at.length > 40 ? `${at.slice(0, 40)}…` : at)}]`;
  });
  if (segments.length <= PATH_ENDS * 2) return `$${segments.join("")}`;
  const elided = segments.length - PATH_ENDS * 2;
  return `$${segments.slice(0, PATH_ENDS).join("")}…(${elided} levels)…${segments.slice(-PATH_ENDS).join("")}`;
}
