export interface TtlCacheOptions {
  ttlMs: number;
  /** When full, the least recently used entry makes room. */
  maxEntries: number;
  now?: () => number;
}

/**
 * A small in-memory cache whose entries expire after a fixed time. Concurrent loads of one key share
 * one promise, so a burst of requests with a new key costs one database query.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: Promise<V>; expiresAt: number }>();
  private readonly now: () => number;

  constructor(private readonly options: TtlCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached value, or what `load` yields (cached unless it rejects). */
  getOrLoad(key: K, load: () => Promise<V>): Promise<V> {
    const now = this.now();
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > now) {
      // Re-inserted: Map order is the eviction order.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.value;
    }
    if (entry) this.entries.delete(key);
    const value = load();
    if (this.options.ttlMs > 0) {
      this.entries.set(key, { value, expiresAt: now + this.options.ttlMs });
      value.catch(() => {
        if (this.entries.get(key)?.value === value) this.entries.delete(key);
      });
      while (this.entries.size > this.options.maxEntries) {
        this.entries.delete(this.entries.keys().next().value as K);
      }
    }
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
