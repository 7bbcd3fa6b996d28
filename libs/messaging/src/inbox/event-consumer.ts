import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { MikroORM } from '@mikro-orm/postgresql';
import { deadLetterTopic, parseEvent, type EventEnvelope, type TopicDefinition } from '@openretail/contracts';
import type { LoggerLike } from '../logger';
import { extractTraceContext } from '../trace-context';
import type { IncomingMessage, MessageConsumer, MessageProducer, MessageTransport } from '../transport';

export type EventHandler = (event: EventEnvelope, em: EntityManager) => Promise<void>;

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
  /** Handlers by event type; events of other types on the same topics are skipped. */
  handlers: Record<string, EventHandler>;
  logger: LoggerLike;
  topicPrefix?: string;
  retry?: Partial<RetryPolicy>;
}

const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, initialBackoffMs: 200, maxBackoffMs: 10_000 };
const tracer = trace.getTracer('@openretail/messaging');

class StoppedError extends Error {}

/**
 * An idempotent consumer: validates each event against its contract, runs its handler in one
 * database transaction together with the inbox row that marks it processed, retries failures
 * with exponential backoff and, when they persist, parks the event on the dead-letter topic with
 * the error so the partition moves on.
 */
export class EventConsumer {
  private consumer?: MessageConsumer;
  private dltProducer?: MessageProducer;
  private stopping = false;
  private readonly retry: RetryPolicy;
  private readonly prefix: string;
  private readonly dltByTopic: Map<string, string>;
  private readonly abort = new AbortController();

  constructor(private readonly o: EventConsumerOptions) {
    this.retry = { ...DEFAULT_RETRY, ...o.retry };
    this.prefix = o.topicPrefix ?? '';
    this.dltByTopic = new Map(
      o.topics.map((t) => [this.prefix + t.name, this.prefix + deadLetterTopic(t).name]),
    );
  }

  async start(): Promise<void> {
    this.stopping = false;
    this.dltProducer = this.o.transport.producer();
    await this.dltProducer.connect();
    this.consumer = this.o.transport.consumer({
      groupId: this.o.groupId,
      topics: [...this.dltByTopic.keys()],
    });
    await this.consumer.run((m) => this.handle(m));
  }

  /** Lets the event in flight finish (or abandons its backoff), commits offsets and leaves. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    await this.consumer?.stop();
    await this.dltProducer?.disconnect();
  }

  /** Exposed for tests and tools: processes one message as the running consumer would. */
  async handle(message: IncomingMessage): Promise<void> {
    let event: EventEnvelope;
    try {
      event = parseEvent(JSON.parse(message.value?.toString('utf8') ?? 'null'));
    } catch (e) {
      // A message that breaks its contract will never succeed: no retries.
      await this.deadLetter(message, e as Error, 0);
      return;
    }
    const handler = this.o.handlers[event.type];
    if (!handler) return;

    const span = tracer.startSpan(
      `${message.topic} process`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.destination.name': message.topic,
          'messaging.consumer.group.name': this.o.groupId,
          'messaging.message.id': event.id,
          'messaging.destination.partition.id': String(message.partition),
          'messaging.kafka.offset': Number(message.offset),
        },
      },
      extractTraceContext(message.headers),
    );
    try {
      await context.with(trace.setSpan(context.active(), span), () =>
        this.processWithRetries(message, event, handler),
      );
    } catch (e) {
      span.recordException(e as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
      throw e;
    } finally {
      span.end();
    }
  }

  private async processWithRetries(message: IncomingMessage, event: EventEnvelope, handler: EventHandler) {
    for (let attempt = 1; ; attempt++) {
      try {
        const applied = await this.processOnce(message, event, handler);
        if (!applied)
          this.o.logger.debug({ eventId: event.id, group: this.o.groupId }, 'duplicate event skipped');
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

  /** Runs the handler and records the event as processed in one transaction; false if it already was. */
  private processOnce(
    message: IncomingMessage,
    event: EventEnvelope,
    handler: EventHandler,
  ): Promise<boolean> {
    return this.o.orm.em.fork().transactional(async (em) => {
      const inserted = await em.execute(
        `insert into inbox_message (consumer_group, event_id, event_type, topic, partition, "offset")
         values (?, ?, ?, ?, ?, ?) on conflict do nothing returning event_id`,
        [this.o.groupId, event.id, event.type, message.topic, message.partition, message.offset],
      );
      if (inserted.length === 0) return false;
      await handler(event, em);
      return true;
    });
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
          'dlt-consumer-group': this.o.groupId,
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
