import { SpanKind, SpanStatusCode, context, trace, type Span } from '@opentelemetry/api';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { MikroORM } from '@mikro-orm/postgresql';
import { deadLetterTopic, parseEvent, type EventEnvelope, type TopicDefinition } from '@openretail/contracts';
import type { LoggerLike } from '../logger';
import { extractTraceContext, injectTraceHeaders } from '../trace-context';
import type { IncomingMessage, MessageConsumer, MessageProducer, MessageTransport } from '../transport';

export type EventHandler = (event: EventEnvelope, em: EntityManager) => Promise<void>;

/**
 * Handles a run of consecutive fresh events of a transaction together, in their order (a consumer whose
 * cost per event shrinks when it works set-wise). `traceHeaders[i]` is the trace context of
 * `events[i]`'s processing span: outbox events caused by it carry it (OutboxEvent.headers).
 */
export type BatchEventHandler = (
  events: EventEnvelope[],
  em: EntityManager,
  traceHeaders: Record<string, string>[],
) => Promise<void>;

export interface RetryPolicy {
  /** Attempts in all, the first included, before the event goes to the dead-letter topic. */
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export interface EventConsumerOptions {
  transport: MessageTransport;
  orm: MikroORM;
  groupId: string;
  topics: TopicDefinition[];
  /** Handlers by event type; events of types with no handler of either kind are skipped. */
  handlers?: Record<string, EventHandler>;
  /** Batch handlers by event type (a type has one kind of handler, not both). */
  batchHandlers?: Record<string, BatchEventHandler>;
  logger: LoggerLike;
  topicPrefix?: string;
  retry?: Partial<RetryPolicy>;
  /** Most events of one partition's run (default 100). */
  maxBatchSize?: number;
  /**
   * Most events of one transaction, however many partitions' runs wait (default 300; a run is
   * never split): a transaction's locks (a handler may take several per event) stay well within
   * PostgreSQL's lock table, which all its sessions share (6,400 entries by default).
   */
  maxTransactionEvents?: number;
  /**
   * How long the group's inbox rows are kept: an event is deduplicated for this long after it was
   * processed. Default twice the longest retention of its topics, since Kafka deletes a message
   * only with its whole segment, some time after the topic's retention.
   */
  inboxRetentionMs?: number;
}

const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, initialBackoffMs: 200, maxBackoffMs: 10_000 };
const DEFAULT_MAX_BATCH_SIZE = 100;
const DEFAULT_MAX_TRANSACTION_EVENTS = 300;
// Inbox retention runs every ten minutes and deletes in statements of at most 10,000 rows.
const INBOX_CLEANUP_EVERY_MS = 10 * 60_000;
const INBOX_CLEANUP_BATCH = 10_000;
const tracer = trace.getTracer('@openretail/messaging');

class StoppedError extends Error {}

/** A valid event with a handler, and the span of its processing. */
interface Delivery {
  message: IncomingMessage;
  event: EventEnvelope;
  span: Span;
}

/**
 * An idempotent consumer: validates each event against its contract, runs its handler in one
 * database transaction together with the inbox row that marks it processed, retries failures
 * with exponential backoff and, when they persist, parks the event on the dead-letter topic with
 * the error so the partition moves on.
 *
 * Events that arrive together are applied in one transaction (one inbox insert, the handlers in
 * order on one entity manager, one commit), so the database sees a few statements per batch
 * instead of four per event: a partition's run of consecutive events, together with the runs of
 * other partitions that arrived while the previous transaction was running. If a transaction
 * fails, nothing of it was applied and each run's events are processed again one at a time, each
 * with its own retries and dead letter.
 *
 * A batch handler gets each run of consecutive fresh events it handles in one call, so events are
 * applied in their order even across types (register one function for several types to get their
 * runs together); when a transaction fails and its events are processed one at a time, it gets
 * batches of one.
 */
export class EventConsumer {
  private consumer?: MessageConsumer;
  private dltProducer?: MessageProducer;
  private stopping = false;
  private readonly retry: RetryPolicy;
  private readonly prefix: string;
  private readonly group: string;
  private readonly dltByTopic: Map<string, string>;
  private readonly handlers: Record<string, EventHandler>;
  private readonly batchHandlers: Record<string, BatchEventHandler>;
  private readonly abort = new AbortController();
  /** Runs of partitions waiting for the next shared transaction, and whether one is running. */
  private readonly waiting: { deliveries: Delivery[]; settle: (error?: unknown) => void }[] = [];
  private applying = false;
  private cleanupTimer?: NodeJS.Timeout;

  constructor(private readonly o: EventConsumerOptions) {
    this.handlers = o.handlers ?? {};
    this.batchHandlers = o.batchHandlers ?? {};
    const both = Object.keys(this.batchHandlers).filter((type) => Object.hasOwn(this.handlers, type));
    if (both.length)
      throw new Error(`event types with both a handler and a batch handler: ${both.join(', ')}`);
    this.retry = { ...DEFAULT_RETRY, ...o.retry };
    this.prefix = o.topicPrefix ?? '';
    // The prefix names the Kafka group too: two suites (or installations) on one broker with the
    // same group would split each other's partitions and miss events. The inbox keeps the plain id.
    this.group = this.prefix + o.groupId;
    this.dltByTopic = new Map(
      o.topics.map((t) => [this.prefix + t.name, this.prefix + deadLetterTopic(t).name]),
    );
  }

  async start(): Promise<void> {
    this.stopping = false;
    this.dltProducer = this.o.transport.producer();
    await this.dltProducer.connect();
    this.consumer = this.o.transport.consumer({
      groupId: this.group,
      topics: [...this.dltByTopic.keys()],
    });
    await this.consumer.runBatches((messages) => this.handleBatch(messages), {
      maxBatchSize: this.o.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE,
    });
    const clean = () =>
      this.cleanInbox().catch((e: unknown) =>
        this.o.logger.warn({ err: e, group: this.group }, 'inbox retention failed; retrying later'),
      );
    void clean();
    this.cleanupTimer = setInterval(clean, INBOX_CLEANUP_EVERY_MS).unref();
  }

  /** Lets the events in flight finish (or abandons their backoff), commits offsets and leaves. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.cleanupTimer);
    this.abort.abort();
    await this.consumer?.stop();
    await this.dltProducer?.disconnect();
  }

  /**
   * Deletes this group's inbox rows past retention, a bounded batch per statement. Event ids are
   * UUIDv7 (time first), so the rows past retention are a range of the primary key, read without
   * a scan of the table; the processing time is what decides, so an id that is not UUIDv7 is kept
   * at least as long. Returns the rows deleted.
   */
  async cleanInbox(): Promise<number> {
    const retentionMs = this.o.inboxRetentionMs ?? 2 * Math.max(...this.o.topics.map((t) => t.retentionMs));
    const cutoff = Date.now() - retentionMs;
    const hex = Math.max(cutoff, 0).toString(16).padStart(12, '0');
    const cutoffId = `${hex.slice(0, 8)}-${hex.slice(8)}-0000-0000-000000000000`;
    let deleted = 0;
    while (!this.stopping) {
      const rows = await this.o.orm.em.fork().execute<{ n: number }[]>(
        `with gone as (
           delete from inbox_message where ctid = any(array(
             select ctid from inbox_message
             where consumer_group = ? and event_id < ? and processed_at < ? limit ?
           )) returning 1
         ) select count(*)::int as n from gone`,
        [this.o.groupId, cutoffId, new Date(cutoff), INBOX_CLEANUP_BATCH],
      );
      deleted += rows[0].n;
      if (rows[0].n < INBOX_CLEANUP_BATCH) break;
    }
    return deleted;
  }

  /** Exposed for tests and tools: processes one message as the running consumer would. */
  handle(message: IncomingMessage): Promise<void> {
    return this.handleBatch([message]);
  }

  /** Processes consecutive messages of one partition, in order. */
  async handleBatch(messages: IncomingMessage[]): Promise<void> {
    const deliveries: Delivery[] = [];
    for (const message of messages) {
      const delivery = await this.accept(message);
      if (delivery) deliveries.push(delivery);
    }
    if (deliveries.length === 0) return;
    try {
      try {
        await this.applyTogether(deliveries);
        return;
      } catch (e) {
        if (this.stopping) throw new StoppedError('stopping: the events will be redelivered');
        this.o.logger.debug(
          { err: e, events: deliveries.length, group: this.group },
          'a batch of events failed; processing them one at a time',
        );
      }
      for (const delivery of deliveries) {
        await context.with(trace.setSpan(context.active(), delivery.span), () =>
          this.processWithRetries(delivery),
        );
      }
    } catch (e) {
      for (const { span } of deliveries) {
        span.recordException(e as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
      }
      throw e;
    } finally {
      for (const { span } of deliveries) span.end();
    }
  }

  /**
   * Group commit: the runs of all partitions that arrive while a transaction is running are
   * applied together in the next one, so at moderate rates, when each partition brings one or two
   * events, a transaction still carries many. Each partition waits for its own run, so its order
   * is kept. A failed transaction fails every run in it; each then retries on its own.
   */
  private applyTogether(deliveries: Delivery[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ deliveries, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!this.applying) void this.applyWaiting();
    });
  }

  private async applyWaiting(): Promise<void> {
    this.applying = true;
    try {
      const most = this.o.maxTransactionEvents ?? DEFAULT_MAX_TRANSACTION_EVENTS;
      while (this.waiting.length > 0) {
        let take = 1;
        let events = this.waiting[0].deliveries.length;
        while (take < this.waiting.length && events + this.waiting[take].deliveries.length <= most) {
          events += this.waiting[take++].deliveries.length;
        }
        const runs = this.waiting.splice(0, take);
        const error = await this.processOnce(runs.flatMap((run) => run.deliveries)).then(
          () => undefined,
          (e: unknown) => e ?? new Error('transaction failed'),
        );
        for (const run of runs) run.settle(error);
      }
    } finally {
      this.applying = false;
    }
  }

  /** The event with its handler and span, or undefined when it has no handler here or breaks its contract. */
  private async accept(message: IncomingMessage): Promise<Delivery | undefined> {
    let event: EventEnvelope;
    try {
      event = parseEvent(JSON.parse(message.value?.toString('utf8') ?? 'null'));
    } catch (e) {
      // A message that breaks its contract will never succeed: no retries.
      await this.deadLetter(message, e as Error, 0);
      return undefined;
    }
    if (!Object.hasOwn(this.handlers, event.type) && !Object.hasOwn(this.batchHandlers, event.type)) {
      return undefined;
    }
    const span = tracer.startSpan(
      `${message.topic} process`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.destination.name': message.topic,
          'messaging.consumer.group.name': this.group,
          'messaging.message.id': event.id,
          'messaging.destination.partition.id': String(message.partition),
          'messaging.kafka.offset': Number(message.offset),
        },
      },
      extractTraceContext(message.headers),
    );
    return { message, event, span };
  }

  private async processWithRetries(delivery: Delivery) {
    const { message, event } = delivery;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.processOnce([delivery]);
        return;
      } catch (e) {
        if (this.stopping) throw new StoppedError('stopping: the event will be redelivered');
        if (attempt >= this.retry.maxAttempts) {
          await this.deadLetter(message, e as Error, attempt);
          return;
        }
        const backoff = Math.min(this.retry.maxBackoffMs, this.retry.initialBackoffMs * 2 ** (attempt - 1));
        const delay = backoff / 2 + Math.random() * (backoff / 2);
        this.o.logger.warn(
          { err: e, eventId: event.id, eventType: event.type, attempt, retryInMs: Math.round(delay) },
          'event handler failed; retrying',
        );
        await this.sleep(delay);
      }
    }
  }

  /**
   * In one transaction: inserts the inbox rows of all the events in one statement, then runs the
   * handler of each event whose row was new, in order (a batch handler once, with all its events).
   * An event already processed (redelivered, or twice in this batch) finds its row and has no effect.
   */
  private processOnce(deliveries: Delivery[]): Promise<void> {
    return this.o.orm.em.fork().transactional(async (em) => {
      const params = deliveries.flatMap(({ message, event }) => [
        this.o.groupId,
        event.id,
        event.type,
        message.topic,
        message.partition,
        message.offset,
      ]);
      const inserted = await em.execute<{ event_id: string }[]>(
        `insert into inbox_message (consumer_group, event_id, event_type, topic, partition, "offset")
         values ${deliveries.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}
         on conflict do nothing returning event_id`,
        params,
      );
      const ids = new Set(inserted.map((row) => row.event_id));
      const fresh = deliveries.filter(({ event }) => {
        if (ids.delete(event.id)) return true;
        this.o.logger.debug({ eventId: event.id, group: this.group }, 'duplicate event skipped');
        return false;
      });
      const batchHandlerOf = (d: Delivery | undefined) =>
        d && Object.hasOwn(this.batchHandlers, d.event.type) ? this.batchHandlers[d.event.type] : undefined;
      for (let i = 0; i < fresh.length;) {
        const { event, span } = fresh[i];
        const batchHandler = batchHandlerOf(fresh[i]);
        if (!batchHandler) {
          await context.with(trace.setSpan(context.active(), span), () =>
            this.handlers[event.type](event, em),
          );
          i++;
          continue;
        }
        let end = i + 1;
        while (batchHandlerOf(fresh[end]) === batchHandler) end++;
        await this.runBatch(batchHandler, fresh.slice(i, end), em);
        i = end;
      }
    });
  }

  /**
   * A batch handler's call: in the event's own span when it is alone, else in a span of the batch
   * linked to each event's span.
   */
  private async runBatch(handler: BatchEventHandler, batch: Delivery[], em: EntityManager): Promise<void> {
    const events = batch.map((d) => d.event);
    const traceHeaders = batch.map((d) => injectTraceHeaders(trace.setSpan(context.active(), d.span)));
    if (batch.length === 1) {
      await context.with(trace.setSpan(context.active(), batch[0].span), () =>
        handler(events, em, traceHeaders),
      );
      return;
    }
    const span = tracer.startSpan(`${events[0].type} process batch`, {
      attributes: {
        'messaging.batch.message_count': batch.length,
        'messaging.consumer.group.name': this.group,
      },
      links: batch.map((d) => ({ context: d.span.spanContext() })),
    });
    try {
      await context.with(trace.setSpan(context.active(), span), () => handler(events, em, traceHeaders));
    } catch (e) {
      span.recordException(e as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
      throw e;
    } finally {
      span.end();
    }
  }

  private async deadLetter(message: IncomingMessage, error: Error, attempts: number): Promise<void> {
    const topic = this.dltByTopic.get(message.topic);
    if (!topic || !this.dltProducer) throw error;
    this.o.logger.error(
      { err: error, topic: message.topic, partition: message.partition, offset: message.offset, attempts },
      'event moved to the dead-letter topic',
    );
    await this.dltProducer.send([
      {
        topic,
        key: message.key ?? '',
        value: message.value?.toString('utf8') ?? '',
        headers: {
          ...message.headers,
          'dlt-original-topic': message.topic,
          'dlt-original-partition': String(message.partition),
          'dlt-original-offset': message.offset,
          'dlt-consumer-group': this.group,
          'dlt-error': `${error.name}: ${error.message}`.slice(0, 4000),
          'dlt-attempts': String(attempts),
          'dlt-failed-at': new Date().toISOString(),
        },
      },
    ]);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, ms);
      this.abort.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(new StoppedError('stopping: the event will be redelivered'));
        },
        { once: true },
      );
    });
  }
}
