import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError } from '@openretail/contracts';
import { recordEvents, silentLogger, type LoggerLike } from '@openretail/messaging';
import { metrics as processMetrics, type Metrics } from '@openretail/observability';
import { fromDocument, type OrderDocument } from '../orders/order-document';
import type { OutgoingEvent } from '../orders/order-events';
import { ReferenceDataService, type VersionedReferenceData } from '../reference-data/reference-data.service';
import type { ReferenceData } from '../reference-data/reference-data';
import { systemClock, type Clock } from './clock';
import { deadlineOutcome } from './deadline-outcome';
import { DEADLINE_REPLAN_ID } from './deadline-replan.entity';
import { deadlineScheduler } from './deadline-scheduler';
import type { DeadlineKind } from './deadlines';
import { OrderDeadline } from './order-deadline.entity';

export const DEADLINE_WORKER_OPTIONS = Symbol('DEADLINE_WORKER_OPTIONS');

export interface DeadlineWorkerOptions {
  /** The pause between rounds (DEADLINE_POLL_MS). */
  pollMs: number;
  clock?: Clock;
  logger?: LoggerLike;
  metrics?: Metrics;
  /** Deadlines claimed per transaction (default 100). */
  batchSize?: number;
  /** Open orders replanned per transaction after a reference data change (default 500). */
  replanBatchSize?: number;
  /**
   * How long a reference data version must have been seen before open orders are replanned with it
   * (default 5 s). Order writes use a copy of the reference data cached for up to a second (see
   * ReferenceDataService); by then every write plans with the new version, so none that commits after
   * the pass went past its order can leave deadlines of the old version behind.
   */
  replanDelayMs?: number;
}

/** What one round did; a worker's rounds only ever add to these. */
export interface RoundResult {
  fired: number;
  postponed: number;
  dropped: number;
  replanned: number;
}

/**
 * Claims due deadlines and their orders in one statement. SKIP LOCKED: replicas (and a worker that
 * crashed mid-transaction, until its connection is gone) never block each other; each row goes to
 * one of them.
 */
const CLAIM_SQL = `
select d.key, o.document, o.version
from order_deadlines d left join orders o on o.id = d.order_id
where d.fired_at is null and d.due_at <= ?
order by d.due_at
limit ?
for update of d skip locked`;

interface ClaimedRow {
  key: string;
  document: OrderDocument | null;
  version: string | number | null;
}

interface BatchResult {
  claimed: number;
  fired: Map<DeadlineKind, number>;
  postponed: number;
  dropped: number;
}

/**
 * Runs on every replica: every DEADLINE_POLL_MS it records order.status-overdue and order.stale for
 * the deadlines that have passed (see deadlines.ts), and replans the open orders' deadlines when the
 * reference data changed. The event and the row's fired_at commit together, so each deadline fires
 * once, however many replicas run and whenever one of them crashes.
 */
@Injectable()
export class DeadlineWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly clock: Clock;
  private readonly logger: LoggerLike;
  private readonly batchSize: number;
  private readonly replanBatchSize: number;
  private readonly replanDelayMs: number;
  private readonly firedTotal;
  private readonly replannedTotal;
  private running?: Promise<void>;
  private stopping = false;
  private wakeSleeper?: () => void;
  /** The version this worker knows the replanning is done for; until then it checks each round. */
  private plannedVersion?: number;
  /** The newest version this worker has seen and since when (process time, not the domain clock). */
  private seen?: { version: number; at: number };

  constructor(
    private readonly orm: MikroORM,
    private readonly referenceData: ReferenceDataService,
    @Inject(DEADLINE_WORKER_OPTIONS) private readonly options: DeadlineWorkerOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.batchSize = options.batchSize ?? 100;
    this.replanBatchSize = options.replanBatchSize ?? 500;
    this.replanDelayMs = options.replanDelayMs ?? 5000;
    const metrics = options.metrics ?? processMetrics;
    this.firedTotal = metrics.counter(
      'orders_deadline_events_total',
      'order.status-overdue and order.stale events recorded by the deadline worker.',
      ['kind'],
    );
    this.replannedTotal = metrics.counter(
      'orders_deadline_replanned_orders_total',
      'Open orders whose deadlines were replanned after a reference data change.',
    );
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  /** Graceful shutdown: the batch in flight commits (or rolls back) before the database closes. */
  onModuleDestroy(): Promise<void> {
    return this.stop();
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  /** Finishes the batch in flight, then returns; rows not reached stay due for the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeSleeper?.();
    await this.running;
    this.running = undefined;
  }

  /**
   * One round: replan if the reference data changed, then fire every due deadline, batch after
   * batch. The loop calls it; tests call it directly to control when rounds happen.
   */
  async runOnce(): Promise<RoundResult> {
    let current: VersionedReferenceData;
    try {
      current = await this.referenceData.document();
    } catch (e) {
      // Nothing configured yet, so there are no orders either.
      if (e instanceof NotFoundError) return { fired: 0, postponed: 0, dropped: 0, replanned: 0 };
      throw e;
    }
    const result = { fired: 0, postponed: 0, dropped: 0, replanned: await this.replan(current) };
    const fired = new Map<DeadlineKind, number>();
    for (;;) {
      const batch = await this.fireBatch(current.data);
      for (const [kind, n] of batch.fired) {
        fired.set(kind, (fired.get(kind) ?? 0) + n);
        this.firedTotal.inc({ kind }, n);
        result.fired += n;
      }
      result.postponed += batch.postponed;
      result.dropped += batch.dropped;
      if (batch.claimed < this.batchSize || this.stopping) break;
    }
    if (result.fired + result.postponed + result.dropped > 0) {
      this.logger.info(
        {
          statusOverdue: fired.get('status-overdue') ?? 0,
          stale: fired.get('stale') ?? 0,
          postponed: result.postponed,
          dropped: result.dropped,
        },
        'order deadlines handled',
      );
    }
    return result;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.runOnce();
      } catch (e) {
        // Nothing was committed for the failed batch: its rows are due again next round.
        this.logger.error({ err: e }, 'order deadline round failed; retrying at the next poll');
      }
      await this.sleep();
    }
  }

  private sleep(): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakeSleeper = undefined;
        resolve();
      };
      const timer = setTimeout(wake, this.options.pollMs);
      this.wakeSleeper = wake;
    });
  }

  /** Claims up to batchSize due deadlines; records the events of those still due, in one transaction. */
  private fireBatch(ref: ReferenceData): Promise<BatchResult> {
    const now = this.clock.now();
    return this.orm.em.fork().transactional(async (em) => {
      const claimed = await em.execute<ClaimedRow[]>(CLAIM_SQL, [now, this.batchSize]);
      const result: BatchResult = { claimed: claimed.length, fired: new Map(), postponed: 0, dropped: 0 };
      const events: OutgoingEvent[] = [];
      const firedKeys: string[] = [];
      const droppedKeys: string[] = [];
      for (const row of claimed) {
        const stored = row.document
          ? { order: fromDocument(row.document), version: Number(row.version) }
          : undefined;
        const outcome = deadlineOutcome(ref, stored, row.key, now);
        if (outcome.action === 'fire') {
          events.push(outcome.event);
          firedKeys.push(row.key);
          result.fired.set(outcome.kind, (result.fired.get(outcome.kind) ?? 0) + 1);
        } else if (outcome.action === 'drop') {
          droppedKeys.push(row.key);
        } else {
          await em.nativeUpdate(OrderDeadline, { key: row.key }, { dueAt: outcome.dueAt });
          result.postponed++;
        }
      }
      if (events.length > 0) await recordEvents(em, events);
      if (firedKeys.length > 0)
        await em.nativeUpdate(OrderDeadline, { key: { $in: firedKeys } }, { firedAt: now });
      if (droppedKeys.length > 0) await em.nativeDelete(OrderDeadline, { key: { $in: droppedKeys } });
      result.dropped = droppedKeys.length;
      return result;
    });
  }

  /**
   * Replans the deadlines of every open order with the current reference data, once per version for
   * all replicas: the progress row says which version was planned and how far the pass got. A pass
   * that stops halfway (shutdown, crash) is resumed by whichever replica gets there next.
   */
  private async replan(current: VersionedReferenceData): Promise<number> {
    if (this.plannedVersion === current.version) return 0;
    if (this.seen?.version !== current.version) this.seen = { version: current.version, at: Date.now() };
    if (Date.now() - this.seen.at < this.replanDelayMs) return 0;
    let total = 0;
    while (!this.stopping) {
      const step = await this.orm.em.fork().transactional((em) => this.replanBatch(em, current));
      if (step === 'done') this.plannedVersion = current.version;
      if (typeof step !== 'number') break;
      total += step;
      this.replannedTotal.inc(step);
    }
    if (total > 0)
      this.logger.info({ refVersion: current.version, orders: total }, 'order deadlines replanned');
    return total;
  }

  /**
   * One batch of the pass, or why there is none: 'done' for this version, 'busy' when another replica
   * holds the progress row or has planned a version newer than this replica's copy.
   */
  private async replanBatch(
    em: EntityManager,
    current: VersionedReferenceData,
  ): Promise<number | 'done' | 'busy'> {
    const [progress] = await em.execute<
      { ref_version: number; after_order_id: string | null; done: boolean }[]
    >(
      'select ref_version, after_order_id, done from order_deadline_replan where id = ? for update skip locked',
      [DEADLINE_REPLAN_ID],
    );
    if (!progress || progress.ref_version > current.version) return 'busy';
    if (progress.ref_version === current.version && progress.done) return 'done';
    const after = progress.ref_version === current.version ? progress.after_order_id : null;
    // FOR SHARE: no status change of these orders commits between reading and replanning them.
    const orders = await em.execute<{ id: string; document: OrderDocument }[]>(
      `select id, document from orders where final = false ${after ? 'and id > ?' : ''}
       order by id limit ? for share`,
      after ? [after, this.replanBatchSize] : [this.replanBatchSize],
    );
    await deadlineScheduler.replan(
      em,
      current.data,
      orders.map((o) => fromDocument(o.document)),
    );
    await em.execute(
      'update order_deadline_replan set ref_version = ?, after_order_id = ?, done = ? where id = ?',
      [
        current.version,
        orders.length > 0 ? orders[orders.length - 1].id : after,
        orders.length < this.replanBatchSize,
        DEADLINE_REPLAN_ID,
      ],
    );
    return orders.length;
  }
}
