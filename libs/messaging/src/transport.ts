import type { TopicDefinition } from '@openretail/contracts';

/**
 * The library's own small view of a Kafka client. Services and the outbox/inbox code use only
 * this; the kafkajs adapter in ./kafka is the one place that knows the client library, so the
 * client can be replaced without touching anything else.
 */
export interface OutgoingMessage {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export interface MessageProducer {
  connect(): Promise<void>;
  /** Sends in order; resolves once every message is acknowledged by all in-sync replicas. */
  send(messages: OutgoingMessage[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface ConsumerOptions {
  groupId: string;
  topics: string[];
  /** Where a group without committed offsets starts: from the beginning unless told otherwise. */
  fromBeginning?: boolean;
}

export interface MessageConsumer {
  /** Joins the group and starts delivering messages one at a time per partition, in order. */
  run(handler: (message: IncomingMessage) => Promise<void>): Promise<void>;
  /**
   * Joins the group and delivers what the broker returned for one partition in runs of up to
   * `maxBatchSize` consecutive messages, in order. A run's offsets are committed only after its
   * handler resolved; when the handler throws, the run is delivered again.
   */
  runBatches(
    handler: (messages: IncomingMessage[]) => Promise<void>,
    options: { maxBatchSize: number },
  ): Promise<void>;
  /** Finishes the message in flight, commits offsets, leaves the group. */
  stop(): Promise<void>;
}

export interface MessageTransport {
  producer(): MessageProducer;
  consumer(options: ConsumerOptions): MessageConsumer;
  /** A live round trip to the cluster, for readiness checks. */
  ping(): Promise<void>;
  /** Creates missing topics (real clusters; the local broker creates its own). */
  ensureTopics(topics: TopicDefinition[], replicationFactor: number): Promise<string[]>;
  close(): Promise<void>;
}
