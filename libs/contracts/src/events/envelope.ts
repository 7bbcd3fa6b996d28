import { z } from 'zod';
import { newId } from '../ids';
import type { TopicDefinition } from '../topics';

/**
 * Every event travels in the same envelope. `id` is the idempotency key for consumers;
 * `type` + `version` select the payload schema, so a consumer validates exactly what it reads.
 */
export const envelopeSchema = z.object({
  id: z.string().uuid(),
  type: z.string().regex(/^[a-z]+(\.[a-z-]+)+$/, 'must look like "order.created"'),
  version: z.number().int().positive(),
  occurredAt: z.string().datetime({ offset: false, message: 'must be an ISO 8601 UTC timestamp' }),
  source: z.string().min(1),
  aggregateType: z.string().min(1),
  aggregateId: z.string().min(1),
  payload: z.unknown(),
});
export type EventEnvelope<P = unknown> = Omit<z.infer<typeof envelopeSchema>, 'payload'> & { payload: P };

export interface EventDefinition<P> {
  readonly type: string;
  readonly version: number;
  readonly topic: TopicDefinition;
  readonly aggregateType: string;
  readonly payload: z.ZodType<P>;
  /** Builds a validated envelope; throws if the payload does not match its schema. */
  create(
    payload: P,
    meta: { source: string; aggregateId: string; id?: string; occurredAt?: Date },
  ): EventEnvelope<P>;
}

export function defineEvent<P>(def: {
  type: string;
  version: number;
  topic: TopicDefinition;
  aggregateType: string;
  payload: z.ZodType<P>;
}): EventDefinition<P> {
  return {
    ...def,
    create(payload, meta) {
      return {
        id: meta.id ?? newId(),
        type: def.type,
        version: def.version,
        occurredAt: (meta.occurredAt ?? new Date()).toISOString(),
        source: meta.source,
        aggregateType: def.aggregateType,
        aggregateId: meta.aggregateId,
        payload: def.payload.parse(payload),
      };
    },
  };
}

export class EventValidationError extends Error {
  constructor(
    message: string,
    readonly issues: { path: string; reason: string }[],
  ) {
    super(`${message}: ${issues.map((i) => `${i.path || '(root)'} ${i.reason}`).join('; ')}`);
    this.name = 'EventValidationError';
  }
}

export function toIssues(error: z.ZodError): { path: string; reason: string }[] {
  return error.issues.map((i) => ({ path: i.path.join('.'), reason: i.message }));
}
