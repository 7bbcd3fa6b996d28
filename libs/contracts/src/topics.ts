/**
 * The registry of Kafka topics: the one place that says which topics exist, how many partitions
 * they have and what their messages are keyed by. The local broker, the Helm provisioning job and
 * Strimzi KafkaTopic resources are all generated from it.
 */
export interface TopicDefinition {
  /** Base name; a deployment may prefix it (KAFKA_TOPIC_PREFIX), e.g. per test run. */
  readonly name: string;
  readonly partitions: number;
  /** What the message key is: every event of one aggregate lands on one partition, in order. */
  readonly key: string;
  readonly retentionMs: number;
  readonly description: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const TOPICS = {
  orderEvents: {
    name: 'openretail.orders.order-events.v1',
    partitions: 12,
    key: 'orderId',
    retentionMs: 7 * DAY_MS,
    description: 'Everything that happens to an order: created, updated, status changed, paid, cancelled.',
  },
  customerEvents: {
    name: 'openretail.customers.customer-events.v1',
    partitions: 12,
    key: 'customerId',
    retentionMs: 7 * DAY_MS,
    description: 'Everything that happens to a customer profile, individual or corporate: created, updated.',
  },
  segmentEvents: {
    name: 'openretail.customers.segment-events.v1',
    partitions: 12,
    key: 'customerId',
    retentionMs: 7 * DAY_MS,
    description:
      'Customers entering and leaving dynamic segments: what messaging and loyalty act on. A topic of its own: building a segment over a whole base emits an event per member, which must not crowd the profile events.',
  },
} as const satisfies Record<string, TopicDefinition>;

export type TopicKey = keyof typeof TOPICS;

/**
 * Dead-letter topics keep events a consumer could not process, with the original payload and the
 * error, so an operator can inspect and replay them. One per source topic; the consumer group
 * that gave up is in the message headers.
 */
export function deadLetterTopic(topic: TopicDefinition): TopicDefinition {
  return {
    name: `${topic.name}.dlt`,
    partitions: 1,
    key: topic.key,
    retentionMs: 30 * DAY_MS,
    description: `Events from ${topic.name} that a consumer could not process.`,
  };
}

/** Every topic the platform needs, dead-letter topics included. */
export function allTopics(): TopicDefinition[] {
  return Object.values(TOPICS).flatMap((t) => [t, deadLetterTopic(t)]);
}

export function topicName(topic: TopicDefinition, prefix = ''): string {
  return `${prefix}${topic.name}`;
}
