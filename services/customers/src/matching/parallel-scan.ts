import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BatchPair, DedupJob, ScanOptions, ScanReport } from './batch-dedup';
import type { ScanWorkerData, ScanWorkerMessage } from './scan-worker';
import type { TermFrequencyTable } from './term-frequencies';

export interface ParallelScanOptions extends ScanOptions {
  /** Worker threads besides the calling one (default 1: two cores busy). */
  threads?: number;
  /**
   * The name counts the job scores with, for the workers (functions cannot be sent to a thread);
   * when omitted each worker counts them from the records, as a DedupJob does by default.
   */
  tfTable?: TermFrequencyTable;
}

interface ChunkResult {
  pairs: BatchPair[];
  pairsScored: number;
}

/**
 * job.scan on more cores, with the same contract: chunks reach `onChunk` in order with their
 * cursor, so persisting and resuming work exactly as with one thread, and the pairs are the ones a
 * single scan finds. The calling thread scans chunks too; each worker gets a copy of the records
 * (structured clone: memory for one more copy of the base per thread) and builds its own index,
 * meanwhile the calling thread has started. On abort, the chunks in flight are finished and handed
 * over as far as they are contiguous; the cursor says where to resume.
 */
export async function scanInParallel(job: DedupJob, options: ParallelScanOptions = {}): Promise<ScanReport> {
  const total = job.records.length;
  const from = options.from ?? 0;
  const to = Math.min(options.to ?? total, total);
  const chunkSize = options.chunkSize ?? 10_000;
  const started = performance.now();
  const results = new Map<number, ChunkResult>();
  const idle: Worker[] = [];
  let inFlight = 0;
  let nextToAssign = from;
  let cursor = from;
  let failure: unknown;
  let wake: () => void = () => undefined;
  const report = { pairsScored: 0, autoMerge: 0, suggest: 0 };

  const chunkEnd = (start: number) => Math.min(start + chunkSize, to);
  const stopping = () => options.signal?.aborted === true || failure !== undefined;
  const assign = (worker: Worker) => {
    if (nextToAssign >= to || stopping()) return idle.push(worker);
    worker.postMessage({ from: nextToAssign, to: chunkEnd(nextToAssign) });
    nextToAssign = chunkEnd(nextToAssign);
    inFlight++;
  };

  const data: ScanWorkerData = { records: job.records, config: job.model.config, tfTable: options.tfTable };
  const workers: Worker[] = [];
  for (let i = 0; i < (options.threads ?? 1) && to - from > chunkSize; i++) {
    const worker = new Worker(join(__dirname, 'scan-worker.js'), { workerData: data });
    worker.on('message', (message: ScanWorkerMessage) => {
      if (message.kind === 'chunk') {
        inFlight--;
        results.set(message.from, { pairs: message.pairs, pairsScored: message.pairsScored });
      }
      assign(worker);
      wake();
    });
    worker.on('error', (error) => {
      failure = error;
      wake();
    });
    workers.push(worker);
  }

  try {
    while (cursor < to) {
      // Hand over what is done, in order.
      for (let done = results.get(cursor); done !== undefined; done = results.get(cursor)) {
        results.delete(cursor);
        const end = chunkEnd(cursor);
        for (const p of done.pairs) {
          if (p.decision === 'auto-merge') report.autoMerge++;
          else report.suggest++;
        }
        report.pairsScored += done.pairsScored;
        await options.onChunk?.({ pairs: done.pairs, cursor: end, lastId: job.records[end - 1].id });
        cursor = end;
        if (options.onProgress) {
          const elapsedSeconds = (performance.now() - started) / 1000;
          const rate = (cursor - from) / Math.max(elapsedSeconds, 1e-6);
          options.onProgress({
            done: cursor,
            total,
            ...report,
            elapsedSeconds,
            rate,
            etaSeconds: (total - cursor) / rate,
          });
        }
      }
      if (cursor >= to) break;
      if (failure !== undefined) throw failure;
      if (!stopping() && nextToAssign < to) {
        // This thread's share: the next chunk, then a turn of the event loop for the workers' news.
        const start = nextToAssign;
        nextToAssign = chunkEnd(start);
        const pairs: BatchPair[] = [];
        const scanned = await job.scan({
          from: start,
          to: nextToAssign,
          chunkSize,
          onChunk: (c) => void pairs.push(...c.pairs),
        });
        results.set(start, { pairs, pairsScored: scanned.pairsScored });
        await new Promise<void>((resolve) => setImmediate(resolve));
      } else if (inFlight > 0) {
        await new Promise<void>((resolve) => (wake = resolve));
      } else {
        break; // stopped, and nothing more will come: the cursor is where to resume
      }
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  if (failure !== undefined) throw failure;
  return { cursor, finished: cursor >= total, ...report, seconds: (performance.now() - started) / 1000 };
}
