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
 * An event to store in the outbox. `headers` carry the trace context of the request that caused
 * it; by default the active one. Code that writes the events of several requests together (group
 * commit) captures each request's headers with injectTraceHeaders() while still in its context.
 */
export interface OutboxEvent {
  definition: EventDefinition<unknown>;
  envelope: EventEnvelope;
  headers?: Record<string, string>;
}

/**
 * Records events in the outbox inside the caller's transaction. Call it from within
 * `em.transactional(...)`: it refuses to run outside a transaction, because an event written
 * outside the domain change's transaction could be published for a change that never happened.
 */
export async function recordEvents(em: EntityManager, events: OutboxEvent[]): Promise<void> {
  eventsRecordedIn(em);
  for (const values of outboxValues(events)) em.persist(Object.assign(new OutboxMessage(), values));
}

/** The outbox rows of events, checked against their definitions, with the current trace context. */
function outboxValues(events: OutboxEvent[]) {
  let active: Record<string, string> | undefined;
  return events.map(({ definition, envelope, headers }) => {
    if (envelope.type !== definition.type || envelope.version !== definition.version) {
      throw new Error(
        `envelope ${envelope.type} v${envelope.version} does not match ${definition.type} v${definition.version}`,
      );
    }
    return {
      eventId: envelope.id,
      eventType: envelope.type,
      topic: definition.topic.name,
      messageKey: envelope.aggregateId,
      envelope,
      headers: headers ?? (active ??= injectTraceHeaders()),
    };
  });
}

/**
 * For a hot path that writes its change and its events in one SQL statement (atomic without a
 * transaction, and one round trip): an INSERT of the events into the outbox to use as a
 * data-modifying CTE, with its one parameter. It ends in its FROM clause, so the caller may add a
 * WHERE (e.g. "where exists (select 1 from inserted_order)"). After the statement, call
 * eventsCommitted so the relay publishes at once.
 */
export function outboxInsert(events: OutboxEvent[]): {
  sql: string;
  param: string;
} {
  const rows = outboxValues(events).map((v) => ({
    event_id: v.eventId,
    event_type: v.eventType,
    topic: v.topic,
    message_key: v.messageKey,
    envelope: v.envelope,
    headers: v.headers,
  }));
  return {
    sql: `insert into outbox_message (event_id, event_type, topic, message_key, envelope, headers)
      select event_id, event_type, topic, message_key, envelope, headers
      from jsonb_to_recordset(?::jsonb)
        as e(event_id uuid, event_type text, topic text, message_key text, envelope jsonb, headers jsonb)`,
    param: JSON.stringify(rows),
  };
}

const relays = new WeakMap<MikroORM, { wake(): void }>();

/**
 * Events were written with outboxInsert inside `em`'s transaction (a set-based write in a consumer's
 * batch): the relay is woken when that transaction commits, as for recordEvents.
 */
export function eventsRecordedIn(em: EntityManager): void {
  if (!em.isInTransaction()) {
    throw new Error('outbox events must be recorded inside the transaction of the change they describe');
  }
  transactionsWithEvents.add(em);
}

/** Events were committed outside an entity manager transaction (see outboxInsert): publish them now. */
export function eventsCommitted(orm: MikroORM): void {
  relays.get(orm)?.wake();
}

/** Wakes the relay as soon as a transaction that recorded events commits in this process. */
export function wakeRelayOnCommit(orm: MikroORM, relay: { wake(): void }): void {
  relays.set(orm, relay);
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
