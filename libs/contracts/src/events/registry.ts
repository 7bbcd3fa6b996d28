import { EventDefinition, EventEnvelope, EventValidationError, envelopeSchema, toIssues } from './envelope';
import { CUSTOMER_EVENTS } from './customers';
import { ORDER_EVENTS } from './orders';
import { SEGMENT_EVENTS } from './segments';

const definitions: readonly EventDefinition<unknown>[] = [
  ...ORDER_EVENTS,
  ...CUSTOMER_EVENTS,
  ...SEGMENT_EVENTS,
];
const byKey = new Map(definitions.map((d) => [`${d.type}@${d.version}`, d]));

export function findEventDefinition(type: string, version: number): EventDefinition<unknown> | undefined {
  return byKey.get(`${type}@${version}`);
}

/**
 * Validates a raw message value as an envelope and its payload against the schema registered for
 * its type and version. Consumers call this before any handler sees the event.
 */
export function parseEvent(raw: unknown): EventEnvelope {
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) throw new EventValidationError('invalid event envelope', toIssues(envelope.error));
  const def = findEventDefinition(envelope.data.type, envelope.data.version);
  if (!def) {
    throw new EventValidationError('unknown event', [
      { path: 'type', reason: `no schema registered for ${envelope.data.type} v${envelope.data.version}` },
    ]);
  }
  const payload = def.payload.safeParse(envelope.data.payload);
  if (!payload.success) {
    throw new EventValidationError(`invalid ${def.type} v${def.version} payload`, toIssues(payload.error));
  }
  return { ...envelope.data, payload: payload.data };
}

export function registeredEvents(): readonly EventDefinition<unknown>[] {
  return definitions;
}
