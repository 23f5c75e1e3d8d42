import { followLines, type LineFollower } from "../adapters/capture-follow.js";
import { findRecord, recordAt } from "../adapters/capture-reader.js";
import { leadingRecordId, parseCaptureLine } from "../core/capture-format.js";
import type { DeliveryStore, RecordSource } from "./store.js";

/** Re-reads records from a capture file: one line at its offset, or a streamed scan for an id. */
export function fileSource(path: string): RecordSource {
  return {
    readAt: ({ offset, length }) => recordAt(path, offset, length),
    find: (id) => findRecord(path, id),
  };
}

export type Follower = LineFollower;

/**
 * Indexes a capture file into the store line by line, keeping each record's byte offset rather
 * than the record, then follows the file as it grows (adapters/capture-follow.ts). A file that
 * shrinks was replaced: the store starts over with it.
 */
export function followCapture(
  path: string,
  store: DeliveryStore,
  options: { intervalMs?: number; warn?: (message: string) => void } = {},
): Follower {
  let lineNumber = 0;
  const warn = options.warn ?? (() => {});
  return followLines(
    path,
    {
      onLine(line, offset, length) {
        lineNumber++;
        // Listen's own deliveries are held already (live): they need only their place in the file.
        const id = leadingRecordId(line);
        if (id !== undefined && store.locate(id, { offset, length })) return;
        const parsed = parseCaptureLine(line, lineNumber, false, path);
        if (parsed === null) return;
        if ("record" in parsed) store.add(parsed.record, { offset, length });
        else warn(parsed.warning);
      },
      onReset() {
        lineNumber = 0;
        store.clear();
      },
      onError: (error) => warn(`cannot read ${path}: ${error.message}`),
    },
    options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs },
  );
}
