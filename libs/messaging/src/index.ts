export { kafkaConfig } from './config';
export type { LoggerLike } from './logger';
export { silentLogger } from './logger';
export type {
  ConsumerOptions,
  IncomingMessage,
  MessageConsumer,
  MessageProducer,
  MessageTransport,
  OutgoingMessage,
} from './transport';
export { KafkajsTransport as KafkaTransport, type KafkaTransportOptions } from './kafka/kafkajs-transport';
export { murmur2, partitionForKey } from './partitioning';
export { injectTraceHeaders, extractTraceContext } from './trace-context';
export { OutboxMessage } from './outbox/outbox-message.entity';
export {
  eventsCommitted,
  eventsRecordedIn,
  outboxInsert,
  recordEvent,
  recordEvents,
  wakeRelayOnCommit,
  type OutboxEvent,
} from './outbox/outbox';
export { OutboxRelay, type OutboxRelayOptions } from './outbox/outbox-relay';
export { InboxMessage } from './inbox/inbox-message.entity';
export {
  EventConsumer,
  type BatchEventHandler,
  type EventConsumerOptions,
  type EventHandler,
  type RetryPolicy,
} from './inbox/event-consumer';
export { kafkaHealth } from './health';

import { InboxMessage } from './inbox/inbox-message.entity';
import { OutboxMessage } from './outbox/outbox-message.entity';
/** Entities every service's ORM registers, so its migrations create the outbox and inbox tables. */
export const messagingEntities = [OutboxMessage, InboxMessage];
