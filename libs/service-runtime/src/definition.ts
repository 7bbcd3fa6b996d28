import type { INestApplicationContext, Type } from '@nestjs/common';
import type { AnyEntity, EntityClass } from '@mikro-orm/core';
import type { ConfigOf, ConfigShape } from '@openretail/config';
import type { TopicDefinition } from '@openretail/contracts';
import type { ServiceRegistration } from '@openretail/grpc';
import type { BatchEventHandler, EventHandler, RetryPolicy } from '@openretail/messaging';

export interface ConsumerSpec {
  /** Consumer group, unique per service and purpose, e.g. 'customers.order-contacts'. */
  groupId: string;
  topics: TopicDefinition[];
  /** Per-event handlers by type (empty when the consumer has only batch handlers). */
  handlers: Record<string, EventHandler>;
  /** Handlers of all the events of a type in a transaction at once (see EventConsumer). */
  batchHandlers?: Record<string, BatchEventHandler>;
  retry?: Partial<RetryPolicy>;
  /** Most events of one transaction (see EventConsumer). */
  maxTransactionEvents?: number;
}

/**
 * Everything the runtime needs to know to boot one service. The Nest module is loaded lazily
 * (`module: () => require('./app.module').AppModule`) so that tracing is installed before the
 * HTTP and gRPC modules are first required.
 */
export interface ServiceDefinition<S extends ConfigShape = ConfigShape> {
  name: string;
  defaultHttpPort: number;
  module: () => Type<unknown>;
  /** The service's own configuration variables beyond the common ones. */
  config?: S;
  /** The largest request body accepted, in bytes, from the configuration (default 1 MiB); larger is a 413. */
  bodyLimitBytes?(config: ConfigOf<S>): number;
  /** A database owned by this service; the messaging outbox and inbox tables are added to it. */
  database?: { entities: EntityClass<AnyEntity>[]; serviceDir: string };
  /** Kafka: a transport for health and consumers; `outbox` also runs the outbox relay. */
  kafka?: { outbox: boolean };
  grpc?: { defaultPort: number; services: (app: INestApplicationContext) => ServiceRegistration[] };
  consumers?: (app: INestApplicationContext) => ConsumerSpec[];
  /** Readiness checks of the service's own dependencies (e.g. a gRPC channel it calls). */
  healthChecks?: (app: INestApplicationContext) => { name: string; check(): Promise<void> }[];
}
