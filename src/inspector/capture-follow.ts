import { followLines, type LineFollower } from "../adapters/capture-follow.js";
import { findRecord, recordAt } from "../adapters/capture-reader.js";
import { followUpOf, leadingRecordId, parseCaptureLine } from "../core/capture-format.js";
import type { DeliveryStore, RecordSource } from "./store.js";

/** Re-reads records from a capture file: one line at its offset, or a streamed scan for an id. */
export function fileSource(path: string): RecordSource {
  return {
    readAt: ({ offset, length }) => recordAt(path, offset, length),
    find: (id) => findRecord(path, id),
  };
}

export type Follower = LineFollower;

/** How serialiseRecord starts a forward's follow-up line (`{"v":1,"followUp":"<id>",…`). */
const FOLLOW_UP_PREFIX = '{"v":1,"followUp":';

/**
 * A forward's follow-up line: what the app answered, for a delivery read from the file (`inspect`,
 * or listen restarted). A live delivery has it already from listen's forward event. False when the
 * line is no well-formed follow-up.
 */
function attachedFollowUp(store: DeliveryStore, line: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return false;
  }
  const followUp = followUpOf(value);
  if (!followUp) return false;
  if (store.summary(followUp.followUp)?.forward) return true;
  const { url, status, error, durationMs, headers, bodyBase64 } = followUp.forward;
  store.attachForward(followUp.followUp, { url, status, error, durationMs, headers, bodyBase64 });
  return true;
}

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
        // A malformed one goes on to the parser, which warns about it as about any bad line.
        if (line.startsWith(FOLLOW_UP_PREFIX) && attachedFollowUp(store, line)) return;
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
