/**
 * A Map that forgets its least recently used entry once it holds more than `max`. Map keeps
 * insertion order, so the first key is always the least recently used one.
 */
export class LruMap<V> {
  readonly #entries = new Map<string, V>();
  constructor(private readonly max: number) {}

  /** The value for `key`, which becomes the most recently used. */
  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  /**
   * Adds `key` as the most recently used. An existing key gets the new value but keeps its place
   * (callers set after a `get` miss, so no lookup is spent moving it: this runs once per delivery).
   */
  set(key: string, value: V): void {
    this.#entries.set(key, value);
    if (this.#entries.size > this.max) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
