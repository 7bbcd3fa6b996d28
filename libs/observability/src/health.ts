import { performance } from 'node:perf_hooks';

/** A dependency check; `check` resolves when healthy and throws with the reason when not. */
export interface HealthIndicator {
  name: string;
  check(): Promise<void>;
}

export type HealthStatus = 'ok' | 'error';

export interface CheckResult {
  status: HealthStatus;
  reason?: string;
  durationMs: number;
}

export interface HealthReport {
  status: HealthStatus;
  checks: Record<string, CheckResult>;
}

export interface HealthRegistryOptions {
  /** Per-check timeout (default 2000 ms), shorter than a probe's own timeout so the reason reaches the caller. */
  timeoutMs?: number;
}

/** Name of the pseudo-check reported while shutting down; no indicator may take it. */
const SHUTDOWN = 'shutdown';

/**
 * Readiness checks of one service. Liveness deliberately runs none of them: a database outage must make
 * pods unready (no traffic), not restart them.
 */
export class HealthRegistry {
  private readonly indicators = new Map<string, HealthIndicator>();
  private readonly timeoutMs: number;
  private shuttingDown = false;

  constructor(options: HealthRegistryOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 2000;
  }

  register(indicator: HealthIndicator): void {
    if (indicator.name === SHUTDOWN) throw new Error(`health indicator name '${SHUTDOWN}' is reserved`);
    if (this.indicators.has(indicator.name)) {
      throw new Error(`health indicator '${indicator.name}' is already registered`);
    }
    this.indicators.set(indicator.name, indicator);
  }

  /**
   * Fails readiness from now on without running checks, so Kubernetes stops routing traffic here
   * while connections are still open to finish the requests in flight.
   */
  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Runs every indicator concurrently, each bounded by the timeout. */
  async readiness(): Promise<HealthReport> {
    if (this.shuttingDown) {
      return {
        status: 'error',
        checks: { [SHUTDOWN]: { status: 'error', reason: 'service is shutting down', durationMs: 0 } },
      };
    }
    const results = await Promise.all(
      [...this.indicators.values()].map(
        async (indicator) => [indicator.name, await this.run(indicator)] as const,
      ),
    );
    return {
      status: results.every(([, result]) => result.status === 'ok') ? 'ok' : 'error',
      checks: Object.fromEntries(results),
    };
  }

  private async run(indicator: HealthIndicator): Promise<CheckResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      // Promise.resolve().then: an indicator that throws synchronously is reported, not propagated.
      await Promise.race([Promise.resolve().then(() => indicator.check()), timeout]);
      return { status: 'ok', durationMs: elapsed() };
    } catch (e) {
      return {
        status: 'error',
        reason: e instanceof Error && e.message ? e.message : String(e),
        durationMs: elapsed(),
      };
    } finally {
      clearTimeout(timer);
    }
  }
}
