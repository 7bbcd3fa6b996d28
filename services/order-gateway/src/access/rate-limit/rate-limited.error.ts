import type { RateLimit } from './token-bucket';

/** A key made more requests than its rate limit allows: HTTP 429 with Retry-After. */
export class RateLimitedError extends Error {
  override readonly name = 'RateLimitedError';

  constructor(
    readonly retryAfterS: number,
    readonly limit: RateLimit,
  ) {
    super(
      `rate limit of this API key exceeded (${limit.rps} requests per second, bursts of ${limit.burst}); retry after ${retryAfterS} s`,
    );
  }
}
