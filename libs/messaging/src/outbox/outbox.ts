import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventEnvelope, EventDefinition } from '@openretail/contracts';
import { injectTraceHeaders } from '../trace-context';
import { OutboxMessage } from './outbox-message.entity';

/** The channel the relay listens on; a NOTIFY is delivered only when the transaction commits. */
export const OUTBOX_CHANNEL = 'openretail_outbox';

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
  await em.execute(`select pg_notify('${OUTBOX_CHANNEL}', '')`);
}

/** Convenience for the common case of one event built from its definition. */
export function recordEvent<P>(
  em: EntityManager,
  definition: EventDefinition<P>,
  envelope: EventEnvelope<P>,
) {
  return recordEvents(em, [{ definition: definition as EventDefinition<unknown>, envelope }]);
}
