import type { CaptureRecord } from "../core/capture-format.js";
import { newDedupeIndex } from "../providers/index.js";
import { type DeliverySummary, type ForwardAnswer, recordVerdict, summarise } from "./summary.js";

/** Where a record's full line is in the capture file, so details are re-read rather than held. */
export interface Locator {
  readonly offset: number;
  readonly length: number;
}

/** Reads full records back (from the capture file) when they are not held in memory. */
export interface RecordSource {
  readAt(locator: Locator): Promise<CaptureRecord | undefined>;
  /** Last resort for a live delivery whose in-memory copy was dropped: scan the file for it. */
  find(id: string): Promise<CaptureRecord | undefined>;
}

export interface ListFilter {
  readonly provider?: string;
  readonly event?: string;
  /** true: verified only; false: failed only. */
  readonly verified?: boolean;
  /** Case-insensitive text matched against id, event, provider, path, reason and dedupe key. */
  readonly q?: string;
}

export interface ListPage {
  /** Deliveries held (the newest `maxSummaries`). */
  readonly total: number;
  /** Older deliveries dropped to keep memory bounded. */
  readonly dropped: number;
  /** How many held deliveries match the filter. */
  readonly matched: number;
  readonly items: readonly DeliverySummary[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  readonly next: number | null;
  readonly facets: { readonly providers: readonly string[]; readonly events: readonly string[] };
}

export type StoreEvent =
  | { readonly type: "delivery"; readonly summary: DeliverySummary }
  | { readonly type: "forward"; readonly id: string; readonly forward: ForwardAnswer }
  | { readonly type: "reset" };

/**
 * The ids of one event's deliveries, oldest first. Deliveries are dropped oldest first, so a group
 * loses members only at its front: `head` skips them, and dropping stays O(1) even when a retry storm
 * puts thousands of deliveries in one group.
 */
interface Group {
  ids: string[];
  head: number;
}

interface Entry {
  readonly summary: DeliverySummary;
  locator: Locator | null;
  /** Lower-cased text the search box matches. */
  readonly haystack: string;
  /** Root id of the event this delivery belongs to (itself when first seen). */
  readonly group: string;
}

export interface StoreLimits {
  /** Summaries kept, newest first; older ones are dropped (the capture file still has them). */
  readonly maxSummaries: number;
  /** Full records kept in memory for deliveries with no place in a file (live, or not yet written). */
  readonly maxRecords: number;
}

export const DEFAULT_LIMITS: StoreLimits = { maxSummaries: 10_000, maxRecords: 300 };
const MAX_PAGE = 500;

/**
 * The inspector's bounded index of deliveries: a summary per delivery for the list (at most
 * `maxSummaries`, newest kept), dedupe groups for retry chains, and full records only for the
 * newest few live ones; everything else is re-read from the capture file at its offset.
 */
export class DeliveryStore {
  readonly #limits: StoreLimits;
  readonly #entries = new Map<string, Entry>();
  /** Newest last; `#head` skips dropped ones so dropping is O(1). */
  #order: (Entry | undefined)[] = [];
  #head = 0;
  readonly #records = new Map<string, CaptureRecord>();
  readonly #groups = new Map<string, Group>();
  /** Forward answers that came before their delivery was indexed (listen reports the forward first). */
  readonly #earlyForwards = new Map<string, ForwardAnswer>();
  #dedupe = newDedupeIndex(100_000);
  #seq = 0;
  #dropped = 0;
  readonly #listeners = new Set<(event: StoreEvent) => void>();

  constructor(
    private readonly source: RecordSource | null = null,
    limits: Partial<StoreLimits> = {},
  ) {
    this.#limits = { ...DEFAULT_LIMITS, ...limits };
  }

  get size(): number {
    return this.#entries.size;
  }

  /** How many full records are held in memory (bounded by maxRecords). */
  get recordsHeld(): number {
    return this.#records.size;
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Indexes a record; with a locator only its summary is kept, without one the record too (among
   * the newest maxRecords). A record already held gains the locator instead of a second row.
   */
  add(record: CaptureRecord, locator: Locator | null): DeliverySummary {
    const known = this.#entries.get(record.id);
    if (known) {
      if (locator) this.locate(record.id, locator);
      return known.summary;
    }
    const verdict = recordVerdict(record);
    const duplicateOf =
      verdict?.provider && verdict.dedupeKey
        ? this.#dedupe.observe(record.id, {
            provider: verdict.provider,
            dedupeKey: verdict.dedupeKey,
            meta: verdict.meta,
          })
        : null;
    const summary = summarise(record, ++this.#seq, duplicateOf);
    const early = this.#earlyForwards.get(record.id);
    if (early) {
      summary.forward = early;
      this.#earlyForwards.delete(record.id);
    }
    const group = duplicateOf ?? record.id;
    const entry: Entry = {
      summary,
      locator,
      group,
      haystack: [summary.id, summary.event, summary.provider, summary.path, summary.reason, summary.dedupeKey]
        .filter(Boolean)
        .join("\n")
        .toLowerCase(),
    };
    this.#entries.set(record.id, entry);
    this.#order.push(entry);
    const members = this.#groups.get(group);
    if (members) members.ids.push(record.id);
    else if (duplicateOf !== null || verdict?.dedupeKey)
      this.#groups.set(group, { ids: [record.id], head: 0 });
    if (!locator) this.#keepRecord(record);
    while (this.#entries.size > this.#limits.maxSummaries) this.#dropOldest();
    this.#emit({ type: "delivery", summary });
    return summary;
  }

  /**
   * A held delivery's place in the capture file: its full record need no longer be kept in memory.
   * False when the id is not held (the caller then parses and adds the record).
   */
  locate(id: string, locator: Locator): boolean {
    const known = this.#entries.get(id);
    if (!known) return false;
    if (!known.locator) {
      known.locator = locator;
      this.#records.delete(id);
    }
    return true;
  }

  /** Listen forwarded a delivery: remember what the app answered. */
  attachForward(id: string, forward: ForwardAnswer): void {
    const entry = this.#entries.get(id);
    if (!entry) {
      this.#earlyForwards.set(id, forward);
      if (this.#earlyForwards.size > 100)
        this.#earlyForwards.delete(this.#earlyForwards.keys().next().value ?? "");
      return;
    }
    entry.summary.forward = forward;
    this.#emit({ type: "forward", id, forward });
  }

  /** Forgets everything (the capture file was replaced or truncated). */
  clear(): void {
    this.#entries.clear();
    this.#order = [];
    this.#head = 0;
    this.#records.clear();
    this.#groups.clear();
    this.#earlyForwards.clear();
    this.#dedupe = newDedupeIndex(100_000);
    this.#emit({ type: "reset" });
  }

  summary(id: string): DeliverySummary | undefined {
    return this.#entries.get(id)?.summary;
  }

  async record(id: string): Promise<CaptureRecord | undefined> {
    const held = this.#records.get(id);
    if (held) return held;
    const entry = this.#entries.get(id);
    if (!entry || !this.source) return undefined;
    if (entry.locator) {
      const read = await this.source.readAt(entry.locator);
      if (read?.id === id) return read;
    }
    return this.source.find(id);
  }

  /** Every held delivery of the same event, oldest first (the retry or duplicate chain). */
  attempts(id: string): DeliverySummary[] {
    const entry = this.#entries.get(id);
    if (!entry) return [];
    const group = this.#groups.get(entry.group);
    const members = group ? group.ids.slice(group.head) : [id];
    return members.flatMap((member) => {
      const summary = this.#entries.get(member)?.summary;
      return summary ? [summary] : [];
    });
  }

  list(filter: ListFilter, page: { limit?: number; before?: number } = {}): ListPage {
    const limit = Math.min(Math.max(1, page.limit ?? 100), MAX_PAGE);
    const q = filter.q?.trim().toLowerCase() ?? "";
    const items: DeliverySummary[] = [];
    const providers = new Set<string>();
    const events = new Set<string>();
    let matched = 0;
    let next: number | null = null;
    for (let i = this.#order.length - 1; i >= this.#head; i--) {
      const entry = this.#order[i];
      if (!entry) continue;
      const s = entry.summary;
      if (s.provider) providers.add(s.provider);
      if (s.event) events.add(s.event);
      if (filter.provider && s.provider !== filter.provider) continue;
      if (filter.event && s.event !== filter.event) continue;
      if (filter.verified !== undefined && s.verified !== filter.verified) continue;
      if (q && !entry.haystack.includes(q)) continue;
      matched++;
      if (page.before !== undefined && s.seq >= page.before) continue;
      if (items.length < limit) items.push(s);
      else if (next === null) next = items[items.length - 1]?.seq ?? null;
    }
    return {
      total: this.#entries.size,
      dropped: this.#dropped,
      matched,
      items,
      next,
      facets: { providers: [...providers].sort(), events: [...events].sort() },
    };
  }

  #keepRecord(record: CaptureRecord): void {
    this.#records.set(record.id, record);
    if (this.#records.size > this.#limits.maxRecords) {
      const oldest = this.#records.keys().next();
      if (!oldest.done) this.#records.delete(oldest.value);
    }
  }

  #dropOldest(): void {
    const entry = this.#order[this.#head];
    this.#order[this.#head] = undefined;
    this.#head++;
    // Compact now and then so the array does not grow without bound.
    if (this.#head > 1024 && this.#head * 2 > this.#order.length) {
      this.#order = this.#order.slice(this.#head);
      this.#head = 0;
    }
    if (!entry) return;
    this.#entries.delete(entry.summary.id);
    this.#records.delete(entry.summary.id);
    this.#dropped++;
    const group = this.#groups.get(entry.group);
    if (group && group.ids[group.head] === entry.summary.id) {
      group.ids[group.head++] = "";
      if (group.head === group.ids.length) this.#groups.delete(entry.group);
      else if (group.head > 64 && group.head * 2 > group.ids.length) {
        group.ids = group.ids.slice(group.head);
        group.head = 0;
      }
    } else if (group) {
      // Not at the front (cannot happen while drops follow arrival order): remove it where it is.
      const at = group.ids.indexOf(entry.summary.id, group.head);
      if (at >= 0) group.ids.splice(at, 1);
      if (group.head === group.ids.length) this.#groups.delete(entry.group);
    }
  }

  #emit(event: StoreEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}
