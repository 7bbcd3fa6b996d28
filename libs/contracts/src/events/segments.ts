import { z } from 'zod';
import { TOPICS } from '../topics';
import { defineEvent, type EventDefinition } from './envelope';

/**
 * Why a membership changed: the customer's profile or metrics changed, the segment was created or
 * its filter edited (its membership recomputed over the whole base), or time passed a condition
 * such as "last order within 30 days".
 */
export const SEGMENT_CHANGE_REASONS = ['customer-changed', 'segment-saved', 'time-passed'] as const;
export type SegmentChangeReason = (typeof SEGMENT_CHANGE_REASONS)[number];

const membershipPayload = z.object({
  segmentId: z.string().uuid(),
  segmentCode: z.string().min(1),
  /** The segment's version (its definition) that decided. */
  segmentVersion: z.number().int().positive(),
  customerId: z.string().uuid(),
  /** The customer's site. */
  site: z.string().min(1),
  reason: z.enum(SEGMENT_CHANGE_REASONS),
});
export type SegmentMembershipPayload = z.infer<typeof membershipPayload>;

/** Keyed by customer: one customer's entries and exits arrive in the order they happened. */
export const SegmentEnteredV1 = defineEvent({
  type: 'segment.entered',
  version: 1,
  topic: TOPICS.segmentEvents,
  aggregateType: 'customer',
  payload: membershipPayload,
});

export const SegmentLeftV1 = defineEvent({
  type: 'segment.left',
  version: 1,
  topic: TOPICS.segmentEvents,
  aggregateType: 'customer',
  payload: membershipPayload,
});

export const SEGMENT_EVENTS: readonly EventDefinition<unknown>[] = [
  SegmentEnteredV1,
  SegmentLeftV1,
] as EventDefinition<unknown>[];
