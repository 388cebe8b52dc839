/**
 * A map that keeps at most `maxEntries` entries, forgetting the least recently set (or `touch`ed)
 * first: for what a long-lived process remembers only to save work, never for what it must know.
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(readonly maxEntries: number) {}

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  /** Reads an entry and marks it most recently used. */
  touch(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  /** Sets an entry as the most recently used one, forgetting the oldest beyond the bound. */
  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The entries, oldest first (a snapshot: safe to change the map while iterating it). */
  snapshot(): [K, V][] {
    return [...this.entries];
  }
}
