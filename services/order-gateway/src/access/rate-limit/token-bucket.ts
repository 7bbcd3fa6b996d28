export interface RateLimit {
  /** Sustained requests per second. */
  rps: number;
  /** Requests that may be made at once after a quiet period. */
  burst: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterS: number };

/** A token bucket: holds up to `burst` tokens, refills at `rps` per second, each request takes one. */
export class TokenBucket {
  private tokens: number;

  constructor(
    private limit: RateLimit,
    private updatedAt: number,
  ) {
    this.tokens = limit.burst;
  }

  take(now: number, limit: RateLimit = this.limit): RateDecision {
    this.limit = limit;
    const elapsedS = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(limit.burst, this.tokens + elapsedS * limit.rps);
    this.updatedAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterS: Math.max(1, Math.ceil((1 - this.tokens) / limit.rps)) };
  }

  /** Whether the bucket has refilled completely, i.e. forgetting it changes nothing. */
  isFull(now: number): boolean {
    return this.tokens + (Math.max(0, now - this.updatedAt) / 1000) * this.limit.rps >= this.limit.burst;
  }
}

export interface RateLimiterOptions {
  defaults: RateLimit;
  /** Buckets kept at most; full ones are forgotten first (they hold no information). */
  maxKeys?: number;
  now?: () => number;
}

/**
 * One token bucket per API key, in this process's memory: with N gateway replicas behind a load
 * balancer a key may make up to N times its limit in total.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(private readonly options: RateLimiterOptions) {
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  /** The limit a key gets: its own override, else the default. */
  limitFor(override?: Partial<RateLimit>): RateLimit {
    return {
      rps: override?.rps ?? this.options.defaults.rps,
      burst: override?.burst ?? this.options.defaults.burst,
    };
  }

  take(key: string, override?: Partial<RateLimit>): RateDecision {
    const now = this.now();
    const limit = this.limitFor(override);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.evict(now);
      bucket = new TokenBucket(limit, now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(now, limit);
  }

  private evict(now: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(key);
    // All busy: drop the oldest, which at worst lets that key start over with a full bucket.
    if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
  }
}
