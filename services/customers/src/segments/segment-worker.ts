import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { timeDependentDays, type SegmentChangeReason, type SegmentFilter } from '@openretail/contracts';
import { eventsCommitted, outboxInsert, silentLogger, type LoggerLike } from '@openretail/messaging';
import { metrics as processMetrics, type Metrics } from '@openretail/observability';
import { systemClock, type Clock } from './clock';
import {
  applyMembershipChanges,
  membershipEvents,
  type MembershipChange,
  type SegmentRef,
} from './membership';
import { segmentConditionSql } from './segment-sql';

export const SEGMENT_WORKER_OPTIONS = Symbol('SEGMENT_WORKER_OPTIONS');

export interface SegmentWorkerOptions {
  /** The pause between rounds when there is nothing to do (SEGMENTS_POLL_MS). */
  pollMs: number;
  /** How often a time-dependent segment is re-evaluated (SEGMENTS_TIME_CHECK_MS). */
  timeCheckMs: number;
  /** Customers evaluated per transaction of a pass (default 2000). */
  batchSize?: number;
  clock?: Clock;
  logger?: LoggerLike;
  metrics?: Metrics;
}

/** What one round did. */
export interface SegmentRoundResult {
  evaluated: number;
  entered: number;
  left: number;
  /** Passes over the whole base that finished in this round. */
  passesDone: number;
  /** Time-dependent segments re-evaluated in this round. */
  timeChecks: number;
}

interface ClaimedSegment {
  id: string;
  code: string;
  site: string | null;
  filter: SegmentFilter;
  version: string | number;
  rebuild_after: string | null;
  time_evaluated_at: Date | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const CLAIM_COLUMNS = 'id, code, site, filter, version, rebuild_after, time_evaluated_at';

/** The customers an evaluation covers, as a condition on a customer id column. */
interface Scope {
  sql(column: string): string;
  params: unknown[];
}

/** Ids in (after, last]: a batch of a pass. */
function idRange(after: string | null, last: string): Scope {
  return after
    ? { sql: (column) => `${column} > ? and ${column} <= ?`, params: [after, last] }
    : { sql: (column) => `${column} <= ?`, params: [last] };
}

function idList(ids: string[]): Scope {
  return {
    sql: (column) => `${column} in (select jsonb_array_elements_text(?::jsonb)::uuid)`,
    params: [JSON.stringify(ids)],
  };
}

/**
 * Computes segment membership where events alone cannot:
 *
 * - after a save, a pass over every customer of the segment's site(s), `batchSize` customers per
 *   transaction in id order, the condition evaluated in SQL (segment-sql.ts). The segment row
 *   keeps the place, so a pass interrupted by a shutdown or crash is resumed by whichever replica
 *   comes next;
 * - for time-dependent conditions ("last order within 30 days"), every `timeCheckMs`, the
 *   customers whose last order crossed a boundary since the last check (an index range on
 *   last_order_at), re-evaluated at the current time.
 *
 * Replicas share the work: a segment is claimed with FOR NO KEY UPDATE SKIP LOCKED for one
 * transaction, and the customers evaluated are locked (as the metrics consumer locks a customer it
 * re-evaluates), so a membership decision and its row change never interleave with another.
 */
@Injectable()
export class SegmentWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly clock: Clock;
  private readonly logger: LoggerLike;
  private readonly batchSize: number;
  private readonly changesTotal;
  private running?: Promise<void>;
  private stopping = false;
  private wakeSleeper?: () => void;
  private woken = false;

  constructor(
    private readonly orm: MikroORM,
    @Inject(SEGMENT_WORKER_OPTIONS) private readonly options: SegmentWorkerOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.batchSize = options.batchSize ?? 2000;
    this.changesTotal = (options.metrics ?? processMetrics).counter(
      'customers_segment_membership_changes_total',
      'Customers entering and leaving segments, by the worker (passes and time checks) and the metrics consumer.',
      ['change', 'reason'],
    );
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.stop();
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  /** Finishes the batch in flight; a pass not finished is resumed at the next start, here or elsewhere. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeSleeper?.();
    await this.running;
    this.running = undefined;
  }

  /** A save left work: start a round now rather than at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeSleeper?.();
  }

  /** Every pending pass to its end (unless stopping), then every due time check. Tests call it directly. */
  async runOnce(): Promise<SegmentRoundResult> {
    const result: SegmentRoundResult = { evaluated: 0, entered: 0, left: 0, passesDone: 0, timeChecks: 0 };
    const add = (step: { evaluated: number; changes: MembershipChange[] }) => {
      result.evaluated += step.evaluated;
      for (const c of step.changes) {
        if (c.entered) result.entered++;
        else result.left++;
      }
    };
    while (!this.stopping) {
      const step = await this.passBatch();
      if (!step) break;
      add(step);
      if (step.done) result.passesDone++;
    }
    while (!this.stopping) {
      const step = await this.timeCheck();
      if (!step) break;
      add(step);
      result.timeChecks++;
    }
    if (result.entered + result.left > 0 || result.passesDone > 0) {
      this.logger.info({ ...result }, 'segment membership computed');
    }
    return result;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      this.woken = false;
      try {
        await this.runOnce();
      } catch (e) {
        // Nothing of the failed batch was committed: it is done again next round.
        this.logger.error({ err: e }, 'segment round failed; retrying at the next poll');
      }
      if (!this.woken) await this.sleep();
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

  /** One batch of the oldest pending pass, or undefined when no pass is pending (or all are claimed). */
  private async passBatch() {
    const now = this.clock.now();
    const outcome = await this.orm.em.fork().transactional(async (em) => {
      const [segment] = await em.execute<ClaimedSegment[]>(
        `select ${CLAIM_COLUMNS} from segments where membership_version < version
         order by updated_at limit 1 for no key update skip locked`,
      );
      if (!segment) return undefined;
      const where = ['true'];
      const params: unknown[] = [];
      if (segment.site) {
        where.push('site = ?');
        params.push(segment.site);
      }
      if (segment.rebuild_after) {
        where.push('id > ?');
        params.push(segment.rebuild_after);
      }
      const batch = await em.execute<{ id: string }[]>(
        `select id from customers where ${where.join(' and ')} order by id limit ? for no key update`,
        [...params, this.batchSize],
      );
      const last = batch.length > 0 ? batch[batch.length - 1].id : undefined;
      // The batch is the id range it covers: evaluated by range scans rather than one probe per id.
      const changes = last
        ? await this.evaluate(em, segment, idRange(segment.rebuild_after, last), now, 'segment-saved')
        : [];
      const done = batch.length < this.batchSize;
      await em.execute(
        `update segments set
           rebuild_after = ?,
           rebuild_processed = rebuild_processed + ?,
           membership_version = case when ? then version else membership_version end,
           time_evaluated_at = case when rebuild_after is null then ? else time_evaluated_at end
         where id = ?`,
        // A pass evaluates its batches at different times: time checks resume from its start.
        [done ? null : last, batch.length, done, now, segment.id],
      );
      return { evaluated: batch.length, changes, done };
    });
    if (outcome?.changes.length) eventsCommitted(this.orm);
    return outcome;
  }

  /** The next due time-dependent segment: its customers whose last order crossed a boundary since the last check. */
  private async timeCheck() {
    const now = this.clock.now();
    const outcome = await this.orm.em.fork().transactional(async (em) => {
      const [segment] = await em.execute<ClaimedSegment[]>(
        `select ${CLAIM_COLUMNS} from segments
         where time_dependent and membership_version >= version and time_evaluated_at <= ?
         order by time_evaluated_at limit 1 for no key update skip locked`,
        [new Date(now.getTime() - this.options.timeCheckMs)],
      );
      if (!segment) return undefined;
      const since = new Date(segment.time_evaluated_at!);
      const windows = timeDependentDays(segment.filter).map((days) => ({
        from: new Date(since.getTime() - days * DAY_MS),
        to: new Date(now.getTime() - days * DAY_MS),
      }));
      const params: unknown[] = windows.flatMap((w) => [w.from, w.to]);
      let siteSql = '';
      if (segment.site) {
        siteSql = 'site = ? and ';
        params.unshift(segment.site);
      }
      const candidates = await em.execute<{ id: string }[]>(
        `select id from customers
         where ${siteSql}(${windows.map(() => 'last_order_at between ? and ?').join(' or ')})
         order by id for no key update`,
        params,
      );
      const changes =
        candidates.length > 0
          ? await this.evaluate(em, segment, idList(candidates.map((c) => c.id)), now, 'time-passed')
          : [];
      await em.execute('update segments set time_evaluated_at = ? where id = ?', [now, segment.id]);
      return { evaluated: candidates.length, changes };
    });
    if (outcome?.changes.length) eventsCommitted(this.orm);
    return outcome;
  }

  /**
   * Decides the customers in `scope` (locked by the caller) in SQL: entered are those matching and
   * not members, left the members no longer matching. Applies the changes and records their events.
   */
  private async evaluate(
    em: EntityManager,
    segment: ClaimedSegment,
    scope: Scope,
    now: Date,
    reason: SegmentChangeReason,
  ): Promise<MembershipChange[]> {
    const condition = segmentConditionSql(segment.filter, now);
    const site = segment.site ? { sql: 'c.site = ? and ', params: [segment.site] } : { sql: '', params: [] };
    const matched = await em.execute<{ id: string; site: string }[]>(
      `select c.id, c.site from customers c where ${site.sql}${scope.sql('c.id')} and ${condition.sql}`,
      [...site.params, ...scope.params, ...condition.params],
    );
    const current = await em.execute<{ customer_id: string; site: string }[]>(
      `select customer_id, site from segment_members where segment_id = ? and ${scope.sql('customer_id')}`,
      [segment.id, ...scope.params],
    );
    const ref: SegmentRef = { id: segment.id, code: segment.code, version: Number(segment.version) };
    const isMatched = new Set(matched.map((m) => m.id));
    const isMember = new Set(current.map((m) => m.customer_id));
    const changes: MembershipChange[] = [
      ...matched
        .filter((m) => !isMember.has(m.id))
        .map((m) => ({ segment: ref, customerId: m.id, site: m.site, entered: true })),
      ...current
        .filter((m) => !isMatched.has(m.customer_id))
        .map((m) => ({ segment: ref, customerId: m.customer_id, site: m.site, entered: false })),
    ];
    const applied = await applyMembershipChanges(em, changes, now);
    if (applied.length > 0) {
      const insert = outboxInsert(membershipEvents(applied, reason, now));
      await em.execute(insert.sql, [insert.param]);
      for (const c of applied) this.changesTotal.inc({ change: c.entered ? 'entered' : 'left', reason });
    }
    return applied;
  }
}
