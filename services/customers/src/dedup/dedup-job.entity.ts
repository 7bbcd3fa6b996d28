import { BigIntType, Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

export const DEDUP_JOB_STATUSES = ['running', 'completed', 'failed', 'cancelled'] as const;
export type DedupJobStatus = (typeof DEDUP_JOB_STATUSES)[number];

/** loading → scanning → merging → suggesting → done. */
export const DEDUP_JOB_PHASES = ['loading', 'scanning', 'merging', 'suggesting', 'done'] as const;
export type DedupJobPhase = (typeof DEDUP_JOB_PHASES)[number];

/** What a finished job did. */
export interface DedupJobReport {
  records: number;
  pairsScored: number;
  autoMergePairs: number;
  suggestPairs: number;
  clusters: number;
  merges: number;
  profilesMerged: number;
  /** Clusters not merged because a manager had rejected a pair inside them: filed as suggestions. */
  clustersSkipped: number;
  suggestionsFiled: number;
  /** Blocks over the site's maxBlockSize (a placeholder phone, a very common name), skipped. */
  oversizedBlocks: number;
  seconds: number;
}

/**
 * A deduplication job over one site's base: its progress, its checkpoints and its report. The
 * records are the site's profiles created up to `snapshotAt`, in (createdAt, id) order, so a
 * position means the same profile on every resume. The scan's checkpoint is `cursor` (records
 * done, with their pairs in customer_dedup_job_pairs); the merges' and suggestions' are
 * `mergeCursor` and `suggestCursor` (clusters and pairs done, each written with its merge or
 * suggestion). One running job per site; a job whose owner stopped heartbeating is taken over.
 */
@Entity({ tableName: 'customer_dedup_jobs' })
@Index({ name: 'customer_dedup_jobs_site_created_at_idx', properties: ['site', 'createdAt'] })
@Index({
  name: 'customer_dedup_jobs_running_uniq',
  expression:
    'create unique index "customer_dedup_jobs_running_uniq" on "customer_dedup_jobs" ("site") where "status" = \'running\'',
})
export class CustomerDedupJob {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'text' })
  site!: string;

  @Property({ type: 'text' })
  status: DedupJobStatus = 'running';

  @Property({ type: 'text' })
  phase: DedupJobPhase = 'loading';

  /** Merge clusters above the auto-merge threshold (else every pair found is filed as a suggestion). */
  @Property({ type: 'boolean' })
  autoMerge!: boolean;

  @Property({ type: 'timestamptz' })
  snapshotAt!: Date;

  @Property({ type: 'integer' })
  total: number = 0;

  @Property({ type: 'integer' })
  cursor: number = 0;

  @Property({ type: new BigIntType('number') })
  pairsScored: number = 0;

  @Property({ type: 'integer' })
  autoMergePairs: number = 0;

  @Property({ type: 'integer' })
  suggestPairs: number = 0;

  @Property({ type: 'integer' })
  clusters: number = 0;

  @Property({ type: 'integer' })
  mergeCursor: number = 0;

  @Property({ type: 'integer' })
  merges: number = 0;

  @Property({ type: 'integer' })
  profilesMerged: number = 0;

  @Property({ type: 'integer' })
  clustersSkipped: number = 0;

  @Property({ type: 'integer' })
  suggestTotal: number = 0;

  @Property({ type: 'integer' })
  suggestCursor: number = 0;

  @Property({ type: 'integer' })
  suggestionsFiled: number = 0;

  /** Records (scan) or clusters and pairs (later phases) per second, and the time left at that rate. */
  @Property({ type: 'double' })
  rate: number = 0;

  @Property({ type: 'double', nullable: true })
  etaSeconds?: number;

  /** Seconds spent in earlier runs of this job (before a restart). */
  @Property({ type: 'double' })
  seconds: number = 0;

  @Property({ type: 'text', nullable: true })
  createdBy?: string;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'timestamptz' })
  updatedAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  finishedAt?: Date;

  /** The process running it, and when it last said so. */
  @Property({ type: 'text', nullable: true })
  owner?: string;

  @Property({ type: 'timestamptz', nullable: true })
  heartbeatAt?: Date;

  @Property({ type: 'boolean' })
  cancelRequested: boolean = false;

  /** Runs so far (1 + resumes). */
  @Property({ type: 'integer' })
  runs: number = 0;

  @Property({ type: 'text', nullable: true })
  error?: string;

  @Property({ type: 'jsonb', nullable: true })
  report?: DedupJobReport;
}

/** A pair the scan found at or above the suggestion threshold; a and b are positions in the job's records. */
@Entity({ tableName: 'customer_dedup_job_pairs' })
export class CustomerDedupJobPair {
  @PrimaryKey({ type: 'uuid' })
  jobId!: string;

  @PrimaryKey({ type: 'integer' })
  a!: number;

  @PrimaryKey({ type: 'integer' })
  b!: number;

  @Property({ type: 'uuid' })
  aId!: string;

  @Property({ type: 'uuid' })
  bId!: string;

  @Property({ type: 'double' })
  weight!: number;

  @Property({ type: 'text' })
  decision!: 'auto-merge' | 'suggest';
}
