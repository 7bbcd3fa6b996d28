import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import {
  ConflictError,
  DomainError,
  NotFoundError,
  PermissionDeniedError,
  PreconditionError,
  ValidationError,
  newId,
} from '@openretail/contracts';
import { APP_LOGGER, type Logger } from '@openretail/observability';
import { executeBound } from '@openretail/persistence';
import {
  DedupJob,
  countTermFrequencies,
  scanInParallel,
  termFrequencies,
  type BatchClusters,
  type BatchPair,
  type NormalisedRecord,
} from '../matching';
import { IdentityBackfill } from '../identity/backfill';
import { MatchSettings } from '../identity/match-settings';
import { SYSTEM_CALLER } from '../identity/profile-writes';
import { checkMergeable, planMerge, type MergePlan } from '../merge/merge-plan';
import { writeMerges } from '../merge/merge-writes';
import { readProfiles } from '../profiles/customer-rows';
import { fileSuggestions } from '../merge/suggestion-filing';
import { Customer } from '../profiles/customer.entity';
import {
  REFERENCE_DATA,
  siteRegion,
  type CustomerReferenceData,
  type ReferenceDataProvider,
} from '../reference-data/customer-reference-data';
import { canAccessSite, readableSites, type Caller } from '../shared/caller';
import { checkUuid } from '../shared/requests';
import { CustomerDedupJob, type DedupJobReport } from './dedup-job.entity';

export interface DedupJobView {
  id: string;
  site: string;
  status: CustomerDedupJob['status'];
  phase: CustomerDedupJob['phase'];
  autoMerge: boolean;
  /** Records scanned of the total; then clusters merged and suggestions filed of theirs. */
  progress: {
    records: { done: number; total: number };
    clusters: { done: number; total: number };
    suggestions: { done: number; total: number };
    /** Items per second of the current phase, and the time it still needs at that rate. */
    rate: number;
    etaSeconds?: number;
  };
  pairsScored: number;
  autoMergePairs: number;
  suggestPairs: number;
  merges: number;
  profilesMerged: number;
  suggestionsFiled: number;
  runs: number;
  createdAt: Date;
  createdBy?: string;
  updatedAt: Date;
  finishedAt?: Date;
  error?: string;
  report?: DedupJobReport;
}

const LOAD_PAGE = 20_000;
const PAIR_PAGE = 100_000;
/** Suggestions filed per transaction. */
const SUGGEST_BATCH = 2_000;
/** Merges planned between two turns of the event loop. */
const PLAN_SLICE = 100;
/** Rounds of a chunk's merges (see mergeChunkOf) before the clusters still deferred are given up. */
const MERGE_ROUNDS = 5;

type Cluster = BatchClusters['clusters'][number];

/** A cluster of a chunk as read before it is written: the merge planned, or why there is none. */
interface PreparedCluster {
  cluster: Cluster;
  /** The live profiles the cluster's members are now, survivor first. */
  ids: string[];
  plan?: MergePlan;
  /** A manager rejected a pair among these profiles: the cluster's pairs are filed instead. */
  rejected?: boolean;
  /**
   * Shares a profile with a cluster before it in the chunk, or one of its profiles was merged under
   * the job: planned again once the others are written.
   */
  deferred?: boolean;
  error?: DomainError;
}

interface Running {
  abort: AbortController;
  done: Promise<void>;
}

/**
 * Deduplication jobs: a whole site's base through the engine's DedupJob (blocking, scoring every
 * candidate pair, connected components over the automatic pairs), then the clusters merged into
 * their oldest profile and the other pairs filed as suggestions.
 *
 * A job is a row with checkpoints, and every step writes its results and its checkpoint in one
 * transaction: the scan's pairs with the records cursor, each batch of merges with the clusters
 * cursor, each batch of suggestions with theirs. A job runs in the process that owns it and
 * heartbeats; a job whose owner stopped (a restart, a crash) is taken over by any replica and goes
 * on from its checkpoints. Stopping the service releases its jobs at once.
 */
@Injectable()
export class DedupJobs implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly owner = `${hostname()}:${process.pid}:${newId().slice(-12)}`;
  /** A job whose owner has not heartbeaten for this long is taken over. */
  staleAfterMs = 30_000;
  heartbeatMs = 2_000;
  /** Records per scan checkpoint. */
  chunkSize = 5_000;
  /** Clusters merged per transaction (with the checkpoint that moves past them). */
  mergeChunk = 2_000;
  /** Chunks of merges written at once, each on its own connection (they commit in order). */
  mergeDepth = 2;
  /** Worker threads the scan adds to this one over a base of `parallelFrom` records or more. */
  scanThreads = 1;
  parallelFrom = 100_000;
  /** Emits 'checkpoint' (job id, phase) after every checkpoint is committed. */
  readonly events = new EventEmitter();
  private readonly running = new Map<string, Running>();
  private poller?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly orm: MikroORM,
    @Inject(REFERENCE_DATA) private readonly referenceData: ReferenceDataProvider,
    private readonly settings: MatchSettings,
    private readonly backfill: IdentityBackfill,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    void this.takeOver();
    this.poller = setInterval(() => void this.takeOver(), this.staleAfterMs / 2);
    this.poller.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poller);
    await Promise.all([...this.running.keys()].map((id) => this.pause(id)));
  }

  /** Starts a job over the site's base; a job already running for the site is a conflict. */
  async start(site: string, options: { autoMerge?: boolean }, caller: Caller): Promise<DedupJobView> {
    siteRegion(await this.referenceData.get(), site);
    if (!canAccessSite(caller, site))
      throw new PermissionDeniedError(`this key has no access to site '${site}'`);
    const now = new Date();
    const em = this.orm.em.fork();
    const job = Object.assign(new CustomerDedupJob(), {
      id: newId(),
      site,
      autoMerge: options.autoMerge ?? true,
      snapshotAt: now,
      createdAt: now,
      updatedAt: now,
      ...(caller.userId ? { createdBy: caller.userId } : {}),
      owner: this.owner,
      heartbeatAt: now,
    });
    em.persist(job);
    try {
      await em.flush();
    } catch (e) {
      if (!(e instanceof UniqueConstraintViolationException)) throw e;
      const running = await this.orm.em.fork().findOne(CustomerDedupJob, { site, status: 'running' });
      throw new ConflictError(
        `a deduplication job is running for site ${site} already${running ? ` (${running.id})` : ''}`,
      );
    }
    this.launch(job.id);
    return viewOf(job);
  }

  async get(id: string, caller: Caller): Promise<DedupJobView> {
    const job = await this.orm.em.fork().findOne(CustomerDedupJob, { id: checkUuid(id, 'id') });
    if (!job || !canAccessSite(caller, job.site))
      throw new NotFoundError(`deduplication job ${id} not found`);
    return viewOf(job);
  }

  /** The sites' jobs, newest first. */
  async list(sites: string[] | undefined, caller: Caller, limit = 20): Promise<DedupJobView[]> {
    const ref = await this.referenceData.get();
    const jobs = await this.orm.em
      .fork()
      .find(
        CustomerDedupJob,
        { site: { $in: readableSites(sites, caller, ref.siteCodes) } },
        { orderBy: { createdAt: 'desc', id: 'desc' }, limit },
      );
    return jobs.map(viewOf);
  }

  /** Asks a running job to stop at its next checkpoint; it ends as cancelled with what it did so far. */
  async cancel(id: string, caller: Caller): Promise<DedupJobView> {
    const em = this.orm.em.fork();
    const job = await em.findOne(CustomerDedupJob, { id: checkUuid(id, 'id') });
    if (!job || !canAccessSite(caller, job.site))
      throw new NotFoundError(`deduplication job ${id} not found`);
    if (job.status !== 'running')
      throw new ValidationError([{ field: 'id', reason: `the job is ${job.status}` }]);
    job.cancelRequested = true;
    await em.flush();
    this.running.get(job.id)?.abort.abort();
    return viewOf(job);
  }

  /** Stops running a job here and releases it, so that any replica (or this one, restarted) goes on with it. */
  async pause(id: string): Promise<void> {
    const run = this.running.get(id);
    if (!run) return;
    run.abort.abort();
    await run.done;
  }

  /** Claims the running jobs nobody runs (released, or their owner stopped heartbeating) and runs them. */
  async takeOver(): Promise<string[]> {
    if (this.stopped) return [];
    const claimed = await this.orm.em.fork().execute<{ id: string }[]>(
      `update customer_dedup_jobs set owner = ?, heartbeat_at = now()
       where status = 'running' and (owner is null or heartbeat_at < now() - (? * interval '1 millisecond'))
       returning id`,
      [this.owner, this.staleAfterMs],
    );
    for (const { id } of claimed) this.launch(id);
    return claimed.map((c) => c.id);
  }

  /** Resolves when the job is no longer running in this process. */
  async settled(id: string): Promise<void> {
    await this.running.get(id)?.done;
  }

  private launch(id: string): void {
    if (this.running.has(id)) return;
    const abort = new AbortController();
    const done = this.run(id, abort.signal)
      .catch(async (err: unknown) => {
        if (err instanceof JobLostError) return;
        this.logger.error({ err, jobId: id }, 'deduplication job failed');
        await this.update(id, {
          status: 'failed',
          error: err instanceof Error ? err.message : String(err),
          finishedAt: new Date(),
          owner: null,
        }).catch(() => undefined);
      })
      .finally(() => this.running.delete(id));
    this.running.set(id, { abort, done });
  }

  private async run(id: string, signal: AbortSignal): Promise<void> {
    const heartbeat = setInterval(() => {
      void this.orm.em
        .fork()
        .execute<{ cancel_requested: boolean }[]>(
          `update customer_dedup_jobs set heartbeat_at = now() where id = ? and owner = ? returning cancel_requested`,
          [id, this.owner],
        )
        .then((rows) => {
          // Cancelled through another replica, or taken over by one after a pause here.
          if (rows.length === 0 || rows[0].cancel_requested) this.running.get(id)?.abort.abort();
        })
        .catch(() => undefined);
    }, this.heartbeatMs);
    const started = performance.now();
    try {
      const job = await this.orm.em.fork().findOneOrFail(CustomerDedupJob, { id });
      await this.update(id, { runs: job.runs + 1 });
      const records = await this.loadRecords(job);
      const { model } = await this.settings.model(job.site);
      const table = countTermFrequencies(records);
      const tf = termFrequencies(table);
      const dedup = new DedupJob(records, model, { tf });
      if (job.phase === 'loading') {
        await this.orm.em
          .fork()
          .transactional((em) => this.settings.storeTermFrequencies(em, job.site, table));
        await this.update(id, { phase: 'scanning', total: records.length });
        job.phase = 'scanning';
      }
      if (job.phase === 'scanning') {
        const scoredBefore = job.pairsScored;
        const scan = await scanInParallel(dedup, {
          threads: records.length >= this.parallelFrom ? this.scanThreads : 0,
          tfTable: table,
          from: job.cursor,
          chunkSize: this.chunkSize,
          signal,
          onProgress: (p) => {
            job.pairsScored = scoredBefore + p.pairsScored;
            job.rate = p.rate;
            job.etaSeconds = p.etaSeconds;
          },
          onChunk: (chunk) => this.saveScanChunk(job, chunk.pairs, chunk.cursor),
        });
        if (!scan.finished) return await this.release(job);
        await this.update(id, { phase: 'merging', pairsScored: scoredBefore + scan.pairsScored });
        job.phase = 'merging';
      }
      const pairs = await this.loadPairs(id);
      const auto = pairs.filter((p) => p.decision === 'auto-merge');
      const { clusters, refused } = job.autoMerge ? dedup.cluster(auto) : { clusters: [], refused: auto };
      if (job.phase === 'merging') {
        const finished = await this.mergeClusters(job, dedup, pairs, clusters, signal);
        if (!finished) return await this.release(job);
        job.phase = 'suggesting';
      }
      if (job.phase === 'suggesting') {
        const list = [...pairs.filter((p) => p.decision === 'suggest'), ...refused];
        const finished = await this.fileAll(job, dedup, list, signal);
        if (!finished) return await this.release(job);
      }
      const final = await this.orm.em.fork().findOneOrFail(CustomerDedupJob, { id });
      const seconds = final.seconds + (performance.now() - started) / 1000;
      const report: DedupJobReport = {
        records: final.total,
        pairsScored: final.pairsScored,
        autoMergePairs: final.autoMergePairs,
        suggestPairs: final.suggestPairs,
        clusters: final.clusters,
        merges: final.merges,
        profilesMerged: final.profilesMerged,
        clustersSkipped: final.clustersSkipped,
        suggestionsFiled: final.suggestionsFiled,
        oversizedBlocks: dedup.index.oversized.blocks,
        seconds,
      };
      await this.update(id, {
        status: 'completed',
        phase: 'done',
        report,
        seconds,
        rate: 0,
        etaSeconds: 0,
        finishedAt: new Date(),
        owner: null,
      });
      this.logger.info({ jobId: id, site: job.site, ...report }, 'deduplication job completed');
    } finally {
      clearInterval(heartbeat);
      await this.orm.em
        .fork()
        .execute(`update customer_dedup_jobs set seconds = seconds + ? where id = ? and status = 'running'`, [
          (performance.now() - started) / 1000,
          id,
        ])
        .catch(() => undefined);
    }
  }

  /** The job stopped before its end: cancelled when asked to, else released for whoever runs it next. */
  private async release(job: CustomerDedupJob): Promise<void> {
    const [row] = await this.orm.em
      .fork()
      .execute<{ cancel_requested: boolean }[]>(
        `select cancel_requested from customer_dedup_jobs where id = ?`,
        [job.id],
      );
    if (row?.cancel_requested) {
      await this.update(job.id, { status: 'cancelled', finishedAt: new Date(), owner: null });
    } else {
      await this.orm.em
        .fork()
        .execute(`update customer_dedup_jobs set owner = null where id = ? and owner = ?`, [
          job.id,
          this.owner,
        ]);
    }
  }

  /**
   * The site's profiles created up to the job's snapshot, in (createdAt, id) order: the same
   * positions on every run. Profiles merged away are empty records (they find nobody).
   */
  private async loadRecords(job: CustomerDedupJob): Promise<NormalisedRecord[]> {
    for (let indexed = 1; indexed > 0;) indexed = await this.backfill.indexMissing(job.site);
    const records: NormalisedRecord[] = [];
    let after: { at: Date; id: string } | undefined;
    for (;;) {
      const rows = await this.orm.em
        .fork()
        .execute<{ id: string; created_at: Date; record: NormalisedRecord | null }[]>(
          `select c.id, c.created_at, r.record from customers c
         left join customer_match_records r on r.customer_id = c.id and c.merged_into is null
         where c.site = ? and c.created_at <= ? ${after ? 'and (c.created_at, c.id) > (?, ?)' : ''}
         order by c.created_at, c.id limit ?`,
          after
            ? [job.site, job.snapshotAt, after.at, after.id, LOAD_PAGE]
            : [job.site, job.snapshotAt, LOAD_PAGE],
        );
      for (const row of rows) {
        records.push(
          row.record ?? { id: row.id, site: job.site, type: 'individual', phones: [], emails: [] },
        );
      }
      if (rows.length < LOAD_PAGE) return records;
      const last = rows[rows.length - 1];
      after = { at: last.created_at, id: last.id };
    }
  }

  private async saveScanChunk(job: CustomerDedupJob, pairs: BatchPair[], cursor: number): Promise<void> {
    const auto = pairs.filter((p) => p.decision === 'auto-merge').length;
    await this.orm.em.fork().transactional(async (em) => {
      if (pairs.length > 0) {
        await executeBound(
          em,
          `insert into customer_dedup_job_pairs (job_id, a, b, a_id, b_id, weight, decision)
           select ?, a, b, a_id, b_id, weight, decision
           from jsonb_to_recordset(?::jsonb) as p(a int, b int, a_id uuid, b_id uuid, weight float8, decision text)
           on conflict do nothing`,
          [
            job.id,
            JSON.stringify(
              pairs.map((p) => ({
                a: p.a,
                b: p.b,
                a_id: p.aId,
                b_id: p.bId,
                weight: p.weight,
                decision: p.decision,
              })),
            ),
          ],
        );
      }
      await this.checkpoint(
        em,
        job.id,
        `cursor = ?, pairs_scored = ?, auto_merge_pairs = auto_merge_pairs + ?, suggest_pairs = suggest_pairs + ?,
         rate = ?, eta_seconds = ?`,
        [cursor, job.pairsScored, auto, pairs.length - auto, job.rate, job.etaSeconds ?? null],
      );
    });
    job.cursor = cursor;
    this.events.emit('checkpoint', job.id, 'scanning');
  }

  /**
   * Writes a checkpoint in the transaction of the work it records, only while this process still
   * owns the job: if another took it over (this one was presumed dead), the work rolls back.
   */
  private async checkpoint(em: EntityManager, id: string, set: string, params: unknown[]): Promise<void> {
    const rows = await em.execute<{ id: string }[]>(
      `update customer_dedup_jobs set ${set}, updated_at = now(), heartbeat_at = now()
       where id = ? and owner = ? and status = 'running' returning id`,
      [...params, id, this.owner],
    );
    if (rows.length === 0) throw new JobLostError(id);
  }

  /** Every pair the scan kept, in (a, b) order. */
  private async loadPairs(jobId: string): Promise<BatchPair[]> {
    const pairs: BatchPair[] = [];
    for (let after = { a: -1, b: -1 }; ;) {
      const rows = await this.orm.em.fork().execute<
        {
          a: number;
          b: number;
          a_id: string;
          b_id: string;
          weight: number;
          decision: BatchPair['decision'];
        }[]
      >(
        `select a, b, a_id, b_id, weight, decision from customer_dedup_job_pairs
         where job_id = ? and (a, b) > (?, ?) order by a, b limit ?`,
        [jobId, after.a, after.b, PAIR_PAGE],
      );
      for (const r of rows)
        pairs.push({ a: r.a, b: r.b, aId: r.a_id, bId: r.b_id, weight: r.weight, decision: r.decision });
      if (rows.length < PAIR_PAGE) return pairs;
      after = rows[rows.length - 1];
    }
  }

  /**
   * Merges each cluster into its oldest profile (as those profiles are now: one may have been merged
   * since), a chunk of clusters per transaction with the cursor, written with a few statements for
   * the whole chunk (writeMerges). Two chunks are in flight, each on its own connection (so
   * PostgreSQL writes on both cores): a chunk checkpoints and commits only after the one before it
   * has, and rolls back with it. A cluster holding a pair a manager rejected is not merged: its
   * pairs are filed as suggestions instead.
   */
  private async mergeClusters(
    job: CustomerDedupJob,
    dedup: DedupJob,
    pairs: readonly BatchPair[],
    clusters: readonly Cluster[],
    signal: AbortSignal,
  ): Promise<boolean> {
    await this.update(job.id, { clusters: clusters.length });
    const ref = await this.referenceData.get();
    const started = performance.now();
    const from = job.mergeCursor;
    let cursor = from;
    let previous: Promise<boolean> | undefined;
    const inFlight: Promise<boolean>[] = [];
    try {
      for (let i = from; i < clusters.length && !signal.aborted; i += this.mergeChunk) {
        const done = Math.min(i + this.mergeChunk, clusters.length);
        const before = previous;
        previous = this.mergeChunkOf(
          job,
          dedup,
          pairs,
          clusters.slice(i, done),
          ref,
          before,
          signal,
          async (em, counts) => {
            const rate = (done - from) / Math.max((performance.now() - started) / 1000, 1e-3);
            await this.checkpoint(
              em,
              job.id,
              `merge_cursor = ?, merges = merges + ?, profiles_merged = profiles_merged + ?,
           clusters_skipped = clusters_skipped + ?, suggestions_filed = suggestions_filed + ?, rate = ?, eta_seconds = ?`,
              [
                done,
                counts.merges,
                counts.profilesMerged,
                counts.skipped,
                counts.filed,
                rate,
                (clusters.length - done) / rate,
              ],
            );
            cursor = done;
          },
        );
        // Its failure is the one before's or its own, and reaches the caller through the await below.
        previous.catch(() => undefined);
        inFlight.push(previous);
        if (inFlight.length >= this.mergeDepth && !(await inFlight.shift()!)) break;
      }
      if (previous) await previous;
    } finally {
      // None of them is left running behind the job's back (a failure rolls back those after it).
      await Promise.allSettled(inFlight);
    }
    if (cursor < clusters.length) return false;
    await this.update(job.id, { phase: 'suggesting' });
    return true;
  }

  /**
   * One chunk's transaction: its profiles read and locked, its merges planned and written, then,
   * once the chunk before is committed (`before` true), its checkpoint: so the chunk after may
   * write meanwhile, on another connection and core, and commits only after. Resolves false,
   * rolled back, when the job stopped meanwhile; fails, rolled back, when the chunk before failed.
   * A cluster that shares a profile with one before it in the chunk, or whose profiles were merged
   * under the job, is planned again from the locked rows after the others are written.
   */
  private async mergeChunkOf(
    job: CustomerDedupJob,
    dedup: DedupJob,
    pairs: readonly BatchPair[],
    clusters: readonly Cluster[],
    ref: CustomerReferenceData,
    before: Promise<boolean> | undefined,
    signal: AbortSignal,
    checkpoint: (em: EntityManager, counts: MergeCounts) => Promise<void>,
  ): Promise<boolean> {
    const written = await this.orm.em
      .fork()
      .transactional(async (em) => {
        let round = await this.prepareMerges(em, job, clusters);
        const counts: MergeCounts = { merges: 0, profilesMerged: 0, skipped: 0, filed: 0 };
        for (let n = 1; ; n++) {
          const planned = round.filter((c) => c.plan);
          await writeMerges(
            em,
            planned.map((c) => c.plan!),
            SYSTEM_CALLER,
            ref,
          );
          counts.merges += planned.length;
          for (const c of planned) counts.profilesMerged += c.ids.length - 1;
          for (const c of round) {
            if (c.rejected) {
              counts.skipped++;
              const members = new Set(c.cluster.members);
              const inside = pairs.filter((p) => members.has(p.aId) && members.has(p.bId));
              counts.filed += (await this.file(em, job, dedup, inside)).length;
            } else if (c.error) {
              counts.skipped++;
              this.logger.warn({ err: c.error, jobId: job.id, cluster: c.ids }, 'cluster not merged');
            }
          }
          const again = round.filter((c) => c.deferred).map((c) => c.cluster);
          if (again.length === 0) break;
          if (n === MERGE_ROUNDS) {
            counts.skipped += again.length;
            this.logger.warn(
              { jobId: job.id, clusters: again.length },
              'clusters not merged: their profiles kept changing under the job',
            );
            break;
          }
          round = await this.prepareMerges(em, job, again);
        }
        if ((before && !(await before)) || signal.aborted) throw new ChunkStopped();
        await checkpoint(em, counts);
        return true;
      })
      .catch((e: unknown) => {
        if (e instanceof ChunkStopped) return false;
        throw e;
      });
    if (written) this.events.emit('checkpoint', job.id, 'merging');
    return written;
  }

  /**
   * Reads a chunk of clusters as their profiles are now, locking them, and plans each merge: the
   * live profiles the members are (liveRoots), whether a manager rejected a pair among them, their
   * rows and the merge by the rules. A cluster sharing a profile with one before it, or whose
   * profiles turn out merged once locked, is deferred.
   */
  private async prepareMerges(
    em: EntityManager,
    job: CustomerDedupJob,
    clusters: readonly Cluster[],
  ): Promise<PreparedCluster[]> {
    const roots = await liveRoots(
      em,
      clusters.flatMap((c) => c.members),
    );
    const out: PreparedCluster[] = [];
    for (const cluster of clusters) {
      const survivor = roots.get(cluster.id);
      if (!survivor) continue;
      const others = cluster.members
        .map((m) => roots.get(m))
        .filter((r): r is string => !!r && r !== survivor);
      const ids = [survivor, ...new Set(others)];
      if (ids.length >= 2) out.push({ cluster, ids });
    }
    const rejected = await rejectedGroups(
      em,
      out.map((c) => c.ids),
    );
    const claimed = new Set<string>();
    for (const [i, c] of out.entries()) {
      if (rejected.has(i)) c.rejected = true;
      else if (c.ids.some((id) => claimed.has(id))) c.deferred = true;
      else for (const id of c.ids) claimed.add(id);
    }
    const planned = out.filter((c) => !c.rejected && !c.deferred);
    const rows = await readProfiles(
      em,
      planned.flatMap((c) => c.ids),
      true,
    );
    const now = new Date();
    for (const [i, c] of planned.entries()) {
      // Planning a chunk takes a few hundred ms of this thread: let the chunk before send its
      // statements meanwhile, so that PostgreSQL writes while this thread plans.
      if (i % PLAN_SLICE === PLAN_SLICE - 1) await new Promise((resolve) => setImmediate(resolve));
      const profiles = c.ids.map((id) => rows.get(id));
      // Merged by someone else between liveRoots and the lock: resolved again in the next round.
      if (profiles.some((r) => r?.mergedInto)) {
        c.deferred = true;
        continue;
      }
      try {
        if (profiles.includes(undefined)) throw new PreconditionError('a profile of the cluster is gone');
        checkMergeable(profiles as Customer[]);
        c.plan = planMerge(em, profiles as Customer[], profiles[0]!, { origin: 'batch', jobId: job.id }, now);
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        c.error = e;
      }
    }
    return out;
  }

  /**
   * Files `list`: the pairs between the thresholds, the automatic pairs the clustering refused (they
   * would have joined contradicting profiles) and, when the job does not merge, every automatic pair.
   */
  private async fileAll(
    job: CustomerDedupJob,
    dedup: DedupJob,
    list: readonly BatchPair[],
    signal: AbortSignal,
  ): Promise<boolean> {
    await this.update(job.id, { suggestTotal: list.length });
    const started = performance.now();
    const from = job.suggestCursor;
    for (let i = from; i < list.length; i += SUGGEST_BATCH) {
      if (signal.aborted) return false;
      const done = Math.min(i + SUGGEST_BATCH, list.length);
      await this.orm.em.fork().transactional(async (em) => {
        const filed = await this.file(em, job, dedup, list.slice(i, done));
        const rate = (done - from) / Math.max((performance.now() - started) / 1000, 1e-3);
        await this.checkpoint(
          em,
          job.id,
          `suggest_cursor = ?, suggestions_filed = suggestions_filed + ?, rate = ?, eta_seconds = ?`,
          [done, filed.length, rate, (list.length - done) / rate],
        );
      });
      this.events.emit('checkpoint', job.id, 'suggesting');
    }
    return true;
  }

  /** Files pairs as suggestions between the profiles they are now, with their explanations. */
  private async file(em: EntityManager, job: CustomerDedupJob, dedup: DedupJob, pairs: readonly BatchPair[]) {
    const roots = await liveRoots(
      em,
      pairs.flatMap((p) => [p.aId, p.bId]),
    );
    const drafts = pairs.flatMap((p) => {
      const a = roots.get(p.aId);
      const b = roots.get(p.bId);
      if (!a || !b || a === b) return [];
      const score = { ...dedup.explain(p), aId: a, bId: b };
      return [{ site: job.site, score, origin: 'batch' as const, jobId: job.id }];
    });
    return fileSuggestions(em, drafts);
  }

  private async update(
    id: string,
    values: Partial<CustomerDedupJob> | Record<string, unknown>,
  ): Promise<void> {
    await this.orm.em.fork().nativeUpdate(CustomerDedupJob, { id }, {
      ...values,
      updatedAt: new Date(),
    } as Partial<CustomerDedupJob>);
  }
}

/** The job stopped while a chunk of merges was written: it rolls back, the next run writes it. */
class ChunkStopped extends Error {}

/** Another process took the job over: this one stops without touching it. */
class JobLostError extends Error {
  constructor(id: string) {
    super(`deduplication job ${id} is run by another process now`);
  }
}

/**
 * The live profile each id stands for now (itself, or the survivor it was merged into), a primary
 * key lookup per step of the merge chains: usually one. (A recursive query planned a sequential
 * scan of the whole table at each step: a second a call over a million profiles.)
 */
async function liveRoots(em: EntityManager, ids: readonly string[]): Promise<Map<string, string>> {
  const roots = new Map<string, string>();
  let walking = new Map([...new Set(ids)].map((id) => [id, id]));
  for (let depth = 0; walking.size > 0 && depth <= 100; depth++) {
    const rows = await executeBound<{ id: string; merged_into: string | null }[]>(
      em,
      `select id, merged_into from customers where id = any(?::uuid[])`,
      [[...new Set(walking.values())]],
    );
    const next = new Map(rows.map((r) => [r.id, r.merged_into]));
    const still = new Map<string, string>();
    for (const [id, at] of walking) {
      if (!next.has(at)) continue; // gone: it stands for nobody
      const into = next.get(at);
      if (into) still.set(id, into);
      else roots.set(id, at);
    }
    walking = still;
  }
  return roots;
}

/**
 * The groups (by position) holding profiles a manager said are two people: a rejected pair between
 * two of them, or between profiles merged into two of them.
 */
async function rejectedGroups(em: EntityManager, groups: readonly string[][]): Promise<Set<number>> {
  if (groups.length === 0) return new Set();
  const rows = await executeBound<{ g: number }[]>(
    em,
    `with recursive family(g, root, id) as (
       select v.g, v.id, v.id from jsonb_to_recordset(?::jsonb) as v(g int, id uuid)
       union
       select f.g, f.root, c.id from customers c join family f on c.merged_into = f.id
     )
     select distinct fa.g from customer_match_suggestions s
     join family fa on fa.id = s.customer_a join family fb on fb.id = s.customer_b and fb.g = fa.g
     where s.status = 'rejected' and fa.root <> fb.root`,
    [JSON.stringify(groups.flatMap((ids, g) => ids.map((id) => ({ g, id }))))],
  );
  return new Set(rows.map((r) => r.g));
}

interface MergeCounts {
  merges: number;
  profilesMerged: number;
  skipped: number;
  filed: number;
}

function viewOf(j: CustomerDedupJob): DedupJobView {
  return {
    id: j.id,
    site: j.site,
    status: j.status,
    phase: j.phase,
    autoMerge: j.autoMerge,
    progress: {
      records: { done: j.cursor, total: j.total },
      clusters: { done: j.mergeCursor, total: j.clusters },
      suggestions: { done: j.suggestCursor, total: j.suggestTotal },
      rate: j.rate,
      ...(j.etaSeconds !== undefined && j.etaSeconds !== null ? { etaSeconds: j.etaSeconds } : {}),
    },
    pairsScored: j.pairsScored,
    autoMergePairs: j.autoMergePairs,
    suggestPairs: j.suggestPairs,
    merges: j.merges,
    profilesMerged: j.profilesMerged,
    suggestionsFiled: j.suggestionsFiled,
    runs: j.runs,
    createdAt: j.createdAt,
    ...(j.createdBy ? { createdBy: j.createdBy } : {}),
    updatedAt: j.updatedAt,
    ...(j.finishedAt ? { finishedAt: j.finishedAt } : {}),
    ...(j.error ? { error: j.error } : {}),
    ...(j.report ? { report: j.report } : {}),
  };
}
