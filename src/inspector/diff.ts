/** One line of a diff: kept, added (in the newer attempt) or removed (from the older one). */
export interface DiffLine {
  readonly op: " " | "+" | "-";
  readonly text: string;
}

/** Past this many cells the middle is shown as removed-then-added rather than aligned (bounded work). */
const MAX_CELLS = 4_000_000;

/**
 * A line diff of two texts: common prefix and suffix trimmed, the middle aligned by longest
 * common subsequence. Pure and bounded, for comparing one attempt of an event with the previous.
 */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split("\n");
  const b = after.split("\n");
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const head = a.slice(0, start).map((text): DiffLine => ({ op: " ", text }));
  const tail = a.slice(endA).map((text): DiffLine => ({ op: " ", text }));
  return [...head, ...alignMiddle(a.slice(start, endA), b.slice(start, endB)), ...tail];
}

function alignMiddle(a: readonly string[], b: readonly string[]): DiffLine[] {
  if ((a.length + 1) * (b.length + 1) > MAX_CELLS)
    return [
      ...a.map((text): DiffLine => ({ op: "-", text })),
      ...b.map((text): DiffLine => ({ op: "+", text })),
    ];
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..], row-major.
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i * width + j] =
        a[i] === b[j]
          ? (lcs[(i + 1) * width + j + 1] ?? 0) + 1
          : Math.max(lcs[(i + 1) * width + j] ?? 0, lcs[i * width + j + 1] ?? 0);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: " ", text: a[i] ?? "" });
      i++;
      j++;
    } else if ((lcs[(i + 1) * width + j] ?? 0) >= (lcs[i * width + j + 1] ?? 0))
      out.push({ op: "-", text: a[i++] ?? "" });
    else out.push({ op: "+", text: b[j++] ?? "" });
  }
  while (i < a.length) out.push({ op: "-", text: a[i++] ?? "" });
  while (j < b.length) out.push({ op: "+", text: b[j++] ?? "" });
  return out;
}
