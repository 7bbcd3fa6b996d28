export interface WaitForOptions {
  /** Give up after this long (default 10000 ms). */
  timeoutMs?: number;
  /** Pause between attempts (default 50 ms). */
  intervalMs?: number;
  /** What is awaited, for the timeout error: "order 42 to be shipped". */
  message?: string;
}

export type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

export class WaitForTimeoutError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'WaitForTimeoutError';
  }
}

const EXPIRED = Symbol('expired');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `predicate` until it returns (or resolves to) a truthy value, and returns that value. A
 * predicate that throws counts as "not yet", so assertions can be polled; the last error is kept as
 * the timeout error's cause, which usually says why the condition never held.
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<Truthy<Awaited<T>>> {
  const { timeoutMs = 10_000, intervalMs = 50, message = 'the condition' } = options;
  if (!(timeoutMs > 0) || !(intervalMs >= 0)) {
    throw new RangeError(
      `waitFor: timeoutMs must be > 0 and intervalMs >= 0, got ${timeoutMs} and ${intervalMs}`,
    );
  }
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let timer: NodeJS.Timeout | undefined;
  // An attempt that never settles must not outlive the deadline.
  const expired = new Promise<typeof EXPIRED>((resolve) => {
    timer = setTimeout(() => resolve(EXPIRED), timeoutMs);
  });
  try {
    for (;;) {
      try {
        const value = await Promise.race([Promise.resolve().then(predicate), expired]);
        if (value === EXPIRED) break;
        if (value) return value as Truthy<Awaited<T>>;
        lastError = undefined;
      } catch (error) {
        lastError = error;
      }
      const left = deadline - Date.now();
      if (left <= 0) break;
      await sleep(Math.min(intervalMs, left));
    }
  } finally {
    clearTimeout(timer);
  }
  const reason = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
  throw new WaitForTimeoutError(`timed out after ${timeoutMs} ms waiting for ${message}${reason}`, lastError);
}
