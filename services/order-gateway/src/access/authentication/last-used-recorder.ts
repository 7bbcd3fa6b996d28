/** Sets a key's last_used_at to `at` unless it is already later than `olderThan`. */
export type TouchKey = (keyId: string, at: Date, olderThan: Date) => Promise<void>;

const INTERVAL_MS = 60_000;

/**
 * Records when keys were last used, at most once a minute per key and off the request path: the
 * write starts after the check and nobody waits for it. A failed write is logged and retried with
 * a later request.
 */
export class LastUsedRecorder {
  private readonly recorded = new Map<string, number>();
  private readonly pending = new Set<Promise<void>>();
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(
    private readonly touch: TouchKey,
    private readonly onError: (error: unknown) => void,
    options: { now?: () => number; maxKeys?: number } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  /** `storedAt`: the last use the database knew of when the key was read. */
  used(keyId: string, storedAt?: Date): void {
    const now = this.now();
    const last = Math.max(this.recorded.get(keyId) ?? 0, storedAt?.getTime() ?? 0);
    if (now - last < INTERVAL_MS) return;
    if (this.recorded.size >= this.maxKeys) this.recorded.clear();
    this.recorded.set(keyId, now);
    // The condition in the write keeps several replicas from each writing every minute.
    const write = this.touch(keyId, new Date(now), new Date(now - INTERVAL_MS)).catch((error: unknown) => {
      this.recorded.delete(keyId);
      this.onError(error);
    });
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
  }

  /** Waits for the writes in flight (before the database closes). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
