import { env } from '@openretail/config';

/** The variables every service that talks to Kafka reads. */
export const kafkaConfig = {
  KAFKA_BROKERS: env.list(),
  KAFKA_CLIENT_ID: env.string({ optional: true }),
  /**
   * On for real Kafka. Off for the local mock broker: its metadata names a controller that is no
   * broker, so InitProducerId (which the idempotent producer needs) cannot succeed there.
   */
  KAFKA_IDEMPOTENT_PRODUCER: env.bool(false),
  /**
   * How long a fetch waits for data. Real Kafka answers as soon as data arrives, so the default is
   * fine; the local mock answers only when the wait expires, so it runs with 50 ms.
   */
  KAFKA_CONSUMER_MAX_WAIT_MS: env.int({ min: 10, max: 30000, default: 5000 }),
  /**
   * How long a group waits for a silent member before handing its partitions to others. The
   * local mock ignores LeaveGroup, so a restarted consumer waits this long to rejoin: 6 s there.
   */
  KAFKA_CONSUMER_SESSION_TIMEOUT_MS: env.int({ min: 6000, max: 300_000, default: 30_000 }),
  KAFKA_TOPIC_PREFIX: env.string({ default: '' }),
  KAFKA_SSL: env.bool(false),
  KAFKA_SASL_MECHANISM: env.oneOf(['none', 'plain', 'scram-sha-256', 'scram-sha-512'] as const, 'none'),
  KAFKA_SASL_USERNAME: env.string({ optional: true }),
  KAFKA_SASL_PASSWORD: env.string({ optional: true }),
};
