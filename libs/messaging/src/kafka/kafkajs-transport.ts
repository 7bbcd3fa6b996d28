import {
  Kafka,
  logLevel,
  type Consumer,
  type KafkaConfig,
  type LogEntry,
  type Producer,
  type SASLOptions,
} from 'kafkajs';
import type { TopicDefinition } from '@openretail/contracts';
import type { ConfigOf } from '@openretail/config';
import type { kafkaConfig } from '../config';
import type { LoggerLike } from '../logger';
import { partitionForKey } from '../partitioning';
import type {
  ConsumerOptions,
  MessageConsumer,
  MessageProducer,
  MessageTransport,
  OutgoingMessage,
} from '../transport';

export interface KafkaTransportOptions {
  config: ConfigOf<typeof kafkaConfig>;
  clientId: string;
  logger: LoggerLike;
}

function sasl(config: ConfigOf<typeof kafkaConfig>): SASLOptions | undefined {
  if (config.KAFKA_SASL_MECHANISM === 'none') return undefined;
  const username = config.KAFKA_SASL_USERNAME ?? '';
  const password = config.KAFKA_SASL_PASSWORD ?? '';
  return { mechanism: config.KAFKA_SASL_MECHANISM, username, password } as SASLOptions;
}

function headersToStrings(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined || v === null) continue;
    out[k] = Array.isArray(v) ? String(v[v.length - 1]) : Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
  }
  return out;
}

const levelNames: Record<number, keyof LoggerLike> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** The kafkajs adapter: the only code in the platform that imports kafkajs. */
export class KafkajsTransport implements MessageTransport {
  private readonly kafka: Kafka;
  private admin?: ReturnType<Kafka['admin']>;

  constructor(private readonly options: KafkaTransportOptions) {
    const { config, logger } = options;
    const kafkaOptions: KafkaConfig = {
      clientId: config.KAFKA_CLIENT_ID ?? options.clientId,
      brokers: [...config.KAFKA_BROKERS],
      ssl: config.KAFKA_SSL,
      sasl: sasl(config),
      connectionTimeout: 3000,
      requestTimeout: 30000,
      logLevel: logLevel.WARN,
      logCreator:
        () =>
        ({ level, label, log }: LogEntry) => {
          const { message, ...extra } = log;
          logger[levelNames[level] ?? 'info']({ kafka: label, ...extra }, message);
        },
    };
    this.kafka = new Kafka(kafkaOptions);
  }

  producer(): MessageProducer {
    const idempotent = this.options.config.KAFKA_IDEMPOTENT_PRODUCER;
    const producer: Producer = this.kafka.producer({
      idempotent,
      // One request in flight keeps per-partition order even when a send is retried.
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner:
        () =>
        ({ message, partitionMetadata }) =>
          partitionForKey(String(message.key), partitionMetadata.length),
    });
    return {
      connect: () => producer.connect(),
      disconnect: () => producer.disconnect(),
      async send(messages: OutgoingMessage[]) {
        if (messages.length === 0) return;
        // Consecutive messages to one topic go in one request; the order of the batch is kept.
        const topicMessages: {
          topic: string;
          messages: { key: string; value: string; headers: Record<string, string> }[];
        }[] = [];
        for (const m of messages) {
          const last = topicMessages[topicMessages.length - 1];
          const entry = { key: m.key, value: m.value, headers: m.headers };
          if (last && last.topic === m.topic) last.messages.push(entry);
          else topicMessages.push({ topic: m.topic, messages: [entry] });
        }
        await producer.sendBatch({ topicMessages, acks: -1 });
      },
    };
  }

  consumer(options: ConsumerOptions): MessageConsumer {
    const consumer: Consumer = this.kafka.consumer({
      groupId: options.groupId,
      maxWaitTimeInMs: this.options.config.KAFKA_CONSUMER_MAX_WAIT_MS,
      sessionTimeout: this.options.config.KAFKA_CONSUMER_SESSION_TIMEOUT_MS,
      allowAutoTopicCreation: false,
    });
    const runBatches: MessageConsumer['runBatches'] = async (handler, { maxBatchSize }) => {
      await consumer.connect();
      await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? true });
      await consumer.run({
        // Partitions are processed concurrently (a fetch brings several; their runs can share a
        // transaction); messages within one partition strictly in order.
        partitionsConsumedConcurrently: 12,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          const { topic, partition } = batch;
          for (let start = 0; start < batch.messages.length; start += maxBatchSize) {
            // Stopping, or the partition was reassigned: what is left is fetched again.
            if (!isRunning() || isStale()) return;
            const run = batch.messages.slice(start, start + maxBatchSize);
            await handler(
              run.map((message) => ({
                topic,
                partition,
                offset: message.offset,
                key: message.key ? message.key.toString('utf8') : null,
                value: message.value,
                headers: headersToStrings(message.headers),
              })),
            );
            resolveOffset(run[run.length - 1].offset);
            await heartbeat();
          }
        },
      });
    };
    return {
      run: (handler) =>
        runBatches(async ([message]) => handler(message), {
          maxBatchSize: 1,
        }),
      runBatches,
      stop: () => consumer.disconnect(),
    };
  }

  private async connectedAdmin() {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  async ping(): Promise<void> {
    const admin = await this.connectedAdmin();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('the cluster reports no brokers');
  }

  async ensureTopics(topics: TopicDefinition[], replicationFactor: number): Promise<string[]> {
    const admin = await this.connectedAdmin();
    const prefix = this.options.config.KAFKA_TOPIC_PREFIX;
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(prefix + t.name));
    if (missing.length === 0) return [];
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((t) => ({
        topic: prefix + t.name,
        numPartitions: t.partitions,
        replicationFactor,
        configEntries: [{ name: 'retention.ms', value: String(t.retentionMs) }],
      })),
    });
    return missing.map((t) => prefix + t.name);
  }

  async close(): Promise<void> {
    await this.admin?.disconnect();
    this.admin = undefined;
  }
}
