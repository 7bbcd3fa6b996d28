/**
 * Group commit: requests that arrive while the database is busy are written together, in one
 * statement and one commit, instead of one round trip and one WAL flush each. Nothing waits on a
 * timer: when a slot is free the queue is written at once (after the current tick, so requests that
 * arrive together go together), and under load the queue grows while earlier batches are in flight.
 * So a lone request pays no latency, and a busy database gets fewer, larger statements.
 *
 * `write` gets the queued items in arrival order and answers each one: its result, or the Error that
 * item alone failed with. If `write` itself throws, a batch of several is retried item by item, so one
 * poisoned item cannot fail the others; a single item gets the error.
 */
export interface GroupCommitOptions {
  /** Items per statement at most. */
  maxBatch: number;
  /** Batches in flight at once (at most the connections they may take). */
  maxInFlight: number;
}

export type BatchWrite<I, O> = (items: I[]) => Promise<Array<O | Error>>;

interface Pending<I, O> {
  item: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

export class GroupCommit<I, O> {
  private queue: Pending<I, O>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly write: BatchWrite<I, O>,
    private readonly options: GroupCommitOptions,
  ) {
    if (!(options.maxBatch >= 1 && options.maxInFlight >= 1))
      throw new Error('GroupCommit needs maxBatch and maxInFlight of at least 1');
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.schedule();
      });
    }
  }

  private async run(batch: Pending<I, O>[]): Promise<void> {
    let results: Array<O | Error>;
    try {
      results = await this.write(batch.map((p) => p.item));
      if (results.length !== batch.length)
        throw new Error(`group commit: write answered ${results.length} of ${batch.length} items`);
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error);
      for (const single of batch) await this.run([single]);
      return;
    }
    batch.forEach((p, i) => {
      const result = results[i];
      if (result instanceof Error) p.reject(result);
      else p.resolve(result);
    });
  }
}
