import { allTopics } from '@openretail/contracts';
import type { KafkaMockControl } from './kafka-mock-control';

/**
 * Creates every registry topic under a prefix on the local broker, so a test suite reads and
 * writes only its own topics (run with KAFKA_TOPIC_PREFIX set to the same prefix).
 */
export async function provisionTopics(control: KafkaMockControl, prefix: string): Promise<void> {
  for (const topic of allTopics()) await control.createTopic(prefix + topic.name, topic.partitions);
}
