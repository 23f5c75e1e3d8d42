/** What one linear scan of a body's text says about its JSON nesting (no parse, so no recursion). */
export interface JsonShape {
  /** Deepest `[`/`{` nesting seen. */
  readonly depth: number;
  /** The text ends inside a string or with containers still open: JSON cut short. */
  readonly unterminated: boolean;
}

/** Scans brackets outside strings; a 5,000-level body costs one pass, never a stack. */
export function jsonShape(text: string): JsonShape {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++;
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x7b || ch === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (ch === 0x7d || ch === 0x5d) depth--;
  }
  return { depth: deepest, unterminated: inString || depth > 0 };
}
