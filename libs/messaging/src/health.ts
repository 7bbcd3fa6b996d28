import type { MessageTransport } from './transport';

/** A readiness check that makes a live round trip to the Kafka cluster. */
export function kafkaHealth(transport: MessageTransport) {
  return { name: 'kafka', check: () => transport.ping() };
}
