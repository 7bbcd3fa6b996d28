import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { Client } from 'pg';
import type { LoggerLike } from '../logger';
import { extractTraceContext, injectTraceHeaders } from '../trace-context';
import type { MessageProducer, OutgoingMessage } from '../transport';

export interface OutboxRelayOptions {
  databaseUrl: string;
  producer: MessageProducer;
  logger: LoggerLike;
  /** Prepended to every topic name (per-environment or per-test isolation). */
  topicPrefix?: string;
  batchSize?: number;
  /**
   * How often the relay looks for events when nothing woke it: events of other replicas (only
   * the leader publishes) and anything a wake-up missed. Default 200 ms.
   */
  pollIntervalMs?: number;
  /** Published rows older than this are deleted. */
  retentionMs?: number;
  /**
   * How long a wake-up waits for more commits before publishing, so that under load one batch
   * (one select, one produce, one update) carries many events instead of one. Default 10 ms.
   */
  lingerMs?: number;
}

interface Row {
  id: string;
  topic: string;
  message_key: string;
  envelope: { id: string; type: string; version: number };
  headers: Record<string, string>;
}

// One relay per database publishes at a time: a session-level advisory lock elects it, and
// the lock dies with its connection, so a crashed replica hands over without any cleanup.
const LEADER_LOCK_KEY = 0x0b7b0c; // arbitrary constant shared by every relay of this platform

const tracer = trace.getTracer('@openretail/messaging');

// Retention runs once a minute and deletes at most 50 × 10,000 rows then: more than a minute of
// events at any rate the platform takes, in statements short enough not to hold up publishing.
const CLEANUP_EVERY_MS = 60_000;
const CLEANUP_BATCH = 10_000;
const CLEANUP_MAX_BATCHES = 50;

/**
 * Publishes committed outbox rows to Kafka, in id order, and marks them published only after the
 * broker acknowledged them. A crash between publish and mark republishes the batch (consumers
 * deduplicate by event id); a crash before publish loses nothing because the rows are committed.
 *
 * The mark of one batch travels with the select of the next (one statement, one round trip); a
 * stopping relay marks its last batch before it lets go of the connection.
 */
export class OutboxRelay {
  private client?: Client;
  private leader = false;
  private running?: Promise<void>;
  private stopping = false;
  private wakeSleeper?: () => void;
  private wakeRequested = false;
  private lastCleanup = 0;
  /** Ids of rows the broker acknowledged, marked published by the next statement. */
  private acknowledged: string[] = [];
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly lingerMs: number;

  constructor(private readonly o: OutboxRelayOptions) {
    this.batchSize = o.batchSize ?? 200;
    this.pollIntervalMs = o.pollIntervalMs ?? 200;
    this.lingerMs = o.lingerMs ?? 10;
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  /** Finishes the batch in flight, marks it published, then releases leadership and the connection. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeSleeper?.();
    await this.running;
    this.running = undefined;
    await this.release();
  }

  /** New events were committed: publish now instead of at the next poll. */
  wake(): void {
    this.wakeRequested = true;
    this.wakeSleeper?.();
  }

  get isLeader(): boolean {
    return this.leader;
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        this.wakeRequested = false;
        const published = await this.tick();
        failures = 0;
        if (published < this.batchSize && (await this.waitForWork())) {
          await this.sleepUnlessStopped(this.lingerMs);
        }
      } catch (e) {
        failures++;
        const delay = Math.min(30_000, 100 * 2 ** Math.min(failures, 9));
        this.o.logger.error({ err: e, retryInMs: delay }, 'outbox relay failed; retrying');
        await this.resetConnection();
        await this.sleepUnlessStopped(delay);
      }
    }
    await this.release();
  }

  /** Marks the last batch published, then gives up leadership and the connection. */
  private async release(): Promise<void> {
    await this.markAcknowledged().catch((e: unknown) =>
      // Not lost: the rows are published again by the next leader, and consumers deduplicate.
      this.o.logger.warn({ err: e }, 'outbox relay could not mark its last batch published'),
    );
    await this.resetConnection();
  }

  /** One step: become leader if possible, then publish one batch. Returns rows published. */
  async tick(): Promise<number> {
    const client = await this.connection();
    if (!this.leader) {
      const res = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [
        LEADER_LOCK_KEY,
      ]);
      this.leader = res.rows[0].locked;
      if (!this.leader) return 0;
      this.o.logger.info({}, 'outbox relay is the leader for this database');
    }
    await this.cleanupPublished(client);
    return this.publishBatch(client);
  }

  private async publishBatch(client: Client): Promise<number> {
    // The update's effect is invisible to the select of the same statement, hence the exclusion.
    const acknowledged = this.acknowledged;
    const { rows } = await client.query<Row>(
      `with marked as (
         update outbox_message set published_at = now(), last_error = null where id = any($1::bigint[])
       )
       select id, topic, message_key, envelope, headers from outbox_message
        where published_at is null and id <> all($1::bigint[]) order by id limit $2`,
      [acknowledged, this.batchSize],
    );
    this.acknowledged = [];
    if (rows.length === 0) return 0;
    const spans = rows.map((row) =>
      tracer.startSpan(
        `${row.topic} publish`,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            'messaging.system': 'kafka',
            'messaging.operation.type': 'publish',
            'messaging.destination.name': row.topic,
            'messaging.message.id': row.envelope.id,
            'messaging.kafka.message.key': row.message_key,
          },
        },
        extractTraceContext(row.headers),
      ),
    );
    const messages: OutgoingMessage[] = rows.map((row, i) => ({
      topic: (this.o.topicPrefix ?? '') + row.topic,
      key: row.message_key,
      value: JSON.stringify(row.envelope),
      headers: {
        ...injectTraceHeaders(trace.setSpan(context.active(), spans[i])),
        'event-id': row.envelope.id,
        'event-type': row.envelope.type,
        'event-version': String(row.envelope.version),
        'content-type': 'application/json',
      },
    }));
    const ids = rows.map((r) => r.id);
    try {
      await this.o.producer.send(messages);
    } catch (e) {
      for (const span of spans) {
        span.recordException(e as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
        span.end();
      }
      await client
        .query('update outbox_message set attempts = attempts + 1, last_error = $2 where id = any($1)', [
          ids,
          String((e as Error).message).slice(0, 2000),
        ])
        .catch(() => undefined);
      throw e;
    }
    spans.forEach((s) => s.end());
    this.acknowledged = ids;
    return rows.length;
  }

  private async markAcknowledged(): Promise<void> {
    if (this.acknowledged.length === 0 || !this.client || !this.leader) return;
    await this.client.query(
      'update outbox_message set published_at = now(), last_error = null where id = any($1::bigint[])',
      [this.acknowledged],
    );
    this.acknowledged = [];
  }

  /**
   * Deletes published rows past retention, oldest first, a bounded batch per statement: each looks
   * at the oldest rows only (by primary key), since rows are published in id order, so an outbox of
   * millions of rows is neither scanned whole every minute nor emptied by one huge delete.
   */
  private async cleanupPublished(client: Client): Promise<void> {
    const now = Date.now();
    if (now - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = now;
    const retentionSeconds = (this.o.retentionMs ?? 7 * 24 * 3600 * 1000) / 1000;
    for (let batch = 0; batch < CLEANUP_MAX_BATCHES && !this.stopping; batch++) {
      const { rowCount } = await client.query(
        `delete from outbox_message o
         using (select id, published_at from outbox_message order by id limit $2) oldest
         where o.id = oldest.id and oldest.published_at < now() - make_interval(secs => $1)`,
        [retentionSeconds, CLEANUP_BATCH],
      );
      // Fewer than a batch: the oldest rows left are unpublished or within retention.
      if ((rowCount ?? 0) < CLEANUP_BATCH) return;
    }
  }

  private async connection(): Promise<Client> {
    if (this.client) return this.client;
    const client = new Client({ connectionString: this.o.databaseUrl, application_name: 'outbox-relay' });
    client.on('error', (e) => this.o.logger.warn({ err: e }, 'outbox relay connection error'));
    await client.connect();
    this.client = client;
    return client;
  }

  private async resetConnection(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.leader = false;
    await client?.end().catch(() => undefined);
  }

  /** Waits for a wake-up or the next poll; true when woken (new events of this process). */
  private async waitForWork(): Promise<boolean> {
    // A wake-up that came while a batch was being published must not wait for the next poll.
    if (!this.wakeRequested) await this.sleepUnlessStopped(this.pollIntervalMs, true);
    const woken = this.wakeRequested;
    this.wakeRequested = false;
    return woken && !this.stopping;
  }

  /** Sleeps until the time is up or the relay stops; a wake-up also ends it only when `wakeable`
   * (never during a failure backoff, where every commit would otherwise retry a broken broker). */
  private sleepUnlessStopped(ms: number, wakeable = false): Promise<void> {
    if (this.stopping || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const stopOnly = () => (this.stopping ? done() : undefined);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeSleeper = wakeable ? done : stopOnly;
    });
  }
}
