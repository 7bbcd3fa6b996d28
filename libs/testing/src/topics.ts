import { allTopics } from '@openretail/contracts';
import type { KafkaMockControl } from './kafka-mock-control';

/**
 * Creates every registry topic under a prefix on the local broker, so a test suite reads and
 * writes only its own topics (run with KAFKA_TOPIC_PREFIX set to the same prefix).
 */
export async function provisionTopics(control: KafkaMockControl, prefix: string): Promise<void> {
  for (const topic of allTopics()) await control.createTopic(prefix + topic.name, topic.partitions);
}

/**
 * The Kafka variables a service or client under test runs with against the local mock: short
 * fetch waits and session timeouts (see kafkaConfig in @openretail/messaging for why).
 */
export function localKafkaEnv(brokers: string[], prefix: string): Record<string, string> {
  return {
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_CONSUMER_MAX_WAIT_MS: '50',
    KAFKA_CONSUMER_SESSION_TIMEOUT_MS: '6000',
    KAFKA_TOPIC_PREFIX: prefix,
  };
}
