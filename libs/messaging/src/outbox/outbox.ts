import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { EventEnvelope, EventDefinition } from '@openretail/contracts';
import { injectTraceHeaders } from '../trace-context';
import { OutboxMessage } from './outbox-message.entity';

/**
 * Entity managers of transactions that recorded events. The relay in this process is woken when
 * one of them commits (see wakeRelayOnCommit). A database NOTIFY would reach other replicas too,
 * but it takes a cluster-wide lock at commit that serialises every writing transaction: measured
 * here, it cost 40% of throughput at 16 concurrent creates. Other replicas' events are found by
 * the relay's poll instead.
 */
const transactionsWithEvents = new WeakSet<EntityManager>();

/**
 * Records events in the outbox inside the caller's transaction. Call it from within
 * `em.transactional(...)`: it refuses to run outside a transaction, because an event written
 * outside the domain change's transaction could be published for a change that never happened.
 */
export async function recordEvents(
  em: EntityManager,
  events: { definition: EventDefinition<unknown>; envelope: EventEnvelope }[],
): Promise<void> {
  if (!em.isInTransaction()) {
    throw new Error('outbox events must be recorded inside the transaction of the change they describe');
  }
  const headers = injectTraceHeaders();
  for (const { definition, envelope } of events) {
    if (envelope.type !== definition.type || envelope.version !== definition.version) {
      throw new Error(
        `envelope ${envelope.type} v${envelope.version} does not match ${definition.type} v${definition.version}`,
      );
    }
    const row = new OutboxMessage();
    row.eventId = envelope.id;
    row.eventType = envelope.type;
    row.topic = definition.topic.name;
    row.messageKey = envelope.aggregateId;
    row.envelope = envelope;
    row.headers = headers;
    em.persist(row);
  }
  transactionsWithEvents.add(em);
}

/** Wakes the relay as soon as a transaction that recorded events commits in this process. */
export function wakeRelayOnCommit(orm: MikroORM, relay: { wake(): void }): void {
  orm.em.getEventManager().registerSubscriber({
    afterTransactionCommit: async ({ em }) => {
      if (transactionsWithEvents.has(em as EntityManager)) relay.wake();
    },
  });
}

/** Convenience for the common case of one event built from its definition. */
export function recordEvent<P>(
  em: EntityManager,
  definition: EventDefinition<P>,
  envelope: EventEnvelope<P>,
) {
  return recordEvents(em, [{ definition: definition as EventDefinition<unknown>, envelope }]);
}
