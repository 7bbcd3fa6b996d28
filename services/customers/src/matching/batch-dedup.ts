import { BlockingIndex } from './blocking-index';
import { clusterPairs, type IndexedPair } from './clustering';
import type { NormalisedRecord } from './record';
import {
  decide,
  evaluate,
  explainPair,
  type Evaluation,
  type MatchModel,
  type PairScore,
  type ScoringContext,
  type TermFrequencies,
} from './scoring';
import { countTermFrequencies, termFrequencies } from './term-frequencies';

/** A pair the scan found worth keeping; a and b are positions in the job's input, a < b. */
export interface BatchPair extends IndexedPair {
  aId: string;
  bId: string;
  decision: 'auto-merge' | 'suggest';
}

export interface BatchProgress {
  /** Records scanned (all of them, resumed runs included) and the total. */
  done: number;
  total: number;
  /** Pairs scored, merges and suggestions found by this run. */
  pairsScored: number;
  autoMerge: number;
  suggest: number;
  elapsedSeconds: number;
  /** Records per second in this run, and the time left at that rate. */
  rate: number;
  etaSeconds: number;
}

/** What a scan hands over every chunk: persist the pairs and the cursor together to resume there. */
export interface BatchChunk {
  pairs: BatchPair[];
  /** Records before this position are done: pass it as `from` to resume. */
  cursor: number;
  /** The id of the last record done (cursor - 1), for a cursor kept by id. */
  lastId: string;
}

export interface ScanOptions {
  /** Resume: the cursor of the last chunk persisted (0 to start). */
  from?: number;
  /** Stop before this position (exclusive): lets a caller scan in slices. */
  to?: number;
  /** Records per chunk (default 10,000). */
  chunkSize?: number;
  onChunk?: (chunk: BatchChunk) => void | Promise<void>;
  onProgress?: (progress: BatchProgress) => void;
  /** Checked between chunks: an aborted scan returns the cursor it reached. */
  signal?: AbortSignal;
}

export interface ScanReport {
  cursor: number;
  finished: boolean;
  pairsScored: number;
  autoMerge: number;
  suggest: number;
  seconds: number;
}

export interface BatchClusters {
  /** Components of two or more records; `id` is the representative's (first in input order). */
  clusters: { id: string; members: string[] }[];
  /** Automatic-merge pairs whose union would have joined contradicting records: file them as suggestions. */
  refused: BatchPair[];
}

export interface DedupJobOptions {
  /** Name frequencies; counted from the records themselves when omitted. */
  tf?: TermFrequencies;
  /** The largest cluster an automatic merge may build (default 1000). */
  maxClusterSize?: number;
}

/**
 * Finds the duplicates in a whole base. The records must come in a stable order (by creation, then
 * id) and keep it when a run resumes: the scan compares each record with the records after it that
 * share a blocking key, in that order, so a cursor (a position) says exactly what is done.
 *
 *   const job = new DedupJob(records, model);            // builds the blocking index (seconds)
 *   await job.scan({ from: saved?.cursor ?? 0, onChunk: persistPairsAndCursor, onProgress });
 *   const { clusters, refused } = job.cluster(allPersistedAutoMergePairs);
 *
 * Pairs at or above the suggestion threshold come out of the scan; the clustering runs at the end
 * over every automatic pair (also those persisted by earlier, interrupted runs). Merging each
 * cluster into its representative and filing the suggestions is the caller's.
 */
export class DedupJob {
  readonly index: BlockingIndex;
  private readonly ctx: ScoringContext;
  private readonly scratch: Evaluation = { weight: 0, contradictions: 0 };

  constructor(
    readonly records: readonly NormalisedRecord[],
    readonly model: MatchModel,
    private readonly options: DedupJobOptions = {},
  ) {
    this.index = new BlockingIndex(records, model.config);
    const tf = options.tf ?? termFrequencies(countTermFrequencies(records));
    // Each phone two records share is looked up in the index once (a binary search), then remembered.
    const holders = new Map<string, number>();
    const phoneHolders = (phone: string) => {
      let n = holders.get(phone);
      if (n === undefined) {
        n = this.index.holders(`p:${phone}`);
        holders.set(phone, n);
      }
      return n;
    };
    this.ctx = { tf, phoneHolders };
  }

  async scan(options: ScanOptions = {}): Promise<ScanReport> {
    const total = this.records.length;
    const from = options.from ?? 0;
    const to = Math.min(options.to ?? total, total);
    const chunkSize = options.chunkSize ?? 10_000;
    const started = performance.now();
    const { autoMerge, suggest } = this.model.config.thresholds;
    const floor = Math.min(autoMerge, suggest);
    let pairsScored = 0;
    let autoCount = 0;
    let suggestCount = 0;
    let cursor = from;
    while (cursor < to) {
      if (options.signal?.aborted) break;
      const end = Math.min(cursor + chunkSize, to);
      const pairs: BatchPair[] = [];
      for (let a = cursor; a < end; a++) {
        const ra = this.records[a];
        this.index.forEachCandidate(a, (b) => {
          pairsScored++;
          const rb = this.records[b];
          const e = evaluate(ra, rb, this.model, this.ctx, this.scratch);
          if (e.weight < floor) return;
          const decision = decide(e.weight, e.contradictions, this.model);
          if (decision === 'distinct') return;
          if (decision === 'auto-merge') autoCount++;
          else suggestCount++;
          pairs.push({ a, b, aId: ra.id, bId: rb.id, weight: e.weight, decision });
        });
      }
      cursor = end;
      await options.onChunk?.({ pairs, cursor, lastId: this.records[cursor - 1].id });
      if (options.onProgress) {
        const elapsedSeconds = (performance.now() - started) / 1000;
        const rate = (cursor - from) / Math.max(elapsedSeconds, 1e-6);
        options.onProgress({
          done: cursor,
          total,
          pairsScored,
          autoMerge: autoCount,
          suggest: suggestCount,
          elapsedSeconds,
          rate,
          etaSeconds: (total - cursor) / rate,
        });
      }
    }
    return {
      cursor,
      finished: cursor >= total,
      pairsScored,
      autoMerge: autoCount,
      suggest: suggestCount,
      seconds: (performance.now() - started) / 1000,
    };
  }

  /** Clusters the automatic-merge pairs (every one persisted, from all runs). */
  cluster(autoPairs: readonly BatchPair[]): BatchClusters {
    const conflict = (x: number, y: number) =>
      evaluate(this.records[x], this.records[y], this.model, this.ctx, this.scratch).contradictions !== 0;
    const { root, refused } = clusterPairs(
      this.records.length,
      autoPairs,
      conflict,
      this.options.maxClusterSize,
    );
    const groups = new Map<number, string[]>();
    for (let i = 0; i < root.length; i++) {
      if (root[i] === i) continue;
      const members = groups.get(root[i]) ?? [this.records[root[i]].id];
      members.push(this.records[i].id);
      groups.set(root[i], members);
    }
    const clusters = [...groups]
      .sort(([x], [y]) => x - y)
      .map(([r, members]) => ({ id: this.records[r].id, members }));
    return { clusters, refused: refused as BatchPair[] };
  }

  /** The full explanation of a pair the scan reported (for the suggestion or merge record). */
  explain(pair: Pick<IndexedPair, 'a' | 'b'>): PairScore {
    return explainPair(this.records[pair.a], this.records[pair.b], this.model, this.ctx);
  }
}
