import { parentPort, workerData } from 'node:worker_threads';
import { DedupJob, type BatchPair } from './batch-dedup';
import type { MatchConfig } from './match-config';
import type { NormalisedRecord } from './record';
import { compileModel } from './scoring';
import { termFrequencies, type TermFrequencyTable } from './term-frequencies';

/** What scanInParallel gives each worker thread. */
export interface ScanWorkerData {
  records: readonly NormalisedRecord[];
  config: MatchConfig;
  tfTable?: TermFrequencyTable;
}

export type ScanWorkerMessage =
  { kind: 'ready' } | { kind: 'chunk'; from: number; pairs: BatchPair[]; pairsScored: number };

// A worker of scanInParallel: its own DedupJob over the same records (the same index, built again
// here, in parallel with the main thread's first chunks), scanning the chunks it is given.
const data = workerData as ScanWorkerData;
const job = new DedupJob(
  data.records,
  compileModel(data.config),
  data.tfTable === undefined ? {} : { tf: termFrequencies(data.tfTable) },
);
const port = parentPort!;
port.on('message', async ({ from, to }: { from: number; to: number }) => {
  const pairs: BatchPair[] = [];
  const report = await job.scan({
    from,
    to,
    chunkSize: to - from,
    onChunk: (c) => void pairs.push(...c.pairs),
  });
  port.postMessage({
    kind: 'chunk',
    from,
    pairs,
    pairsScored: report.pairsScored,
  } satisfies ScanWorkerMessage);
});
port.postMessage({ kind: 'ready' } satisfies ScanWorkerMessage);
