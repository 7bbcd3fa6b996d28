import type { EntityManager } from '@mikro-orm/postgresql';
import {
  SegmentEnteredV1,
  SegmentLeftV1,
  type EventDefinition,
  type SegmentChangeReason,
} from '@openretail/contracts';
import type { OutboxEvent } from '@openretail/messaging';
import { EVENT_SOURCE } from '../profiles/customer-events';

/** What membership needs of a segment. */
export interface SegmentRef {
  id: string;
  code: string;
  version: number;
}

export interface MembershipChange {
  segment: SegmentRef;
  customerId: string;
  site: string;
  entered: boolean;
}

/**
 * What moves between `current` (segment ids the customer is in) and the segments it should be in.
 * Pure; the event path and the batch path share it.
 */
export function diffMembership(
  customer: { id: string; site: string },
  segments: readonly SegmentRef[],
  shouldBeIn: (segment: SegmentRef) => boolean,
  current: ReadonlySet<string>,
): MembershipChange[] {
  const changes: MembershipChange[] = [];
  for (const segment of segments) {
    const wanted = shouldBeIn(segment);
    if (wanted !== current.has(segment.id))
      changes.push({ segment, customerId: customer.id, site: customer.site, entered: wanted });
  }
  return changes;
}

/**
 * Applies changes to segment_members in one statement and returns those that took effect: a row
 * another transaction already added or removed is no change, so every event matches one real
 * change of membership. Callers hold the customers' row locks (see the callers), so the decision
 * and its application cannot interleave with another evaluation of the same customer.
 */
export async function applyMembershipChanges(
  em: EntityManager,
  changes: readonly MembershipChange[],
  now: Date,
): Promise<MembershipChange[]> {
  if (changes.length === 0) return [];
  const row = (c: MembershipChange) => ({
    segment_id: c.segment.id,
    customer_id: c.customerId,
    site: c.site,
  });
  const rows = await em.execute<{ entered: boolean; segment_id: string; customer_id: string }[]>(
    `with entered as (
       insert into segment_members (segment_id, customer_id, site, entered_at)
       select segment_id, customer_id, site, ?
       from jsonb_to_recordset(?::jsonb) as x(segment_id uuid, customer_id uuid, site text)
       on conflict do nothing
       returning segment_id, customer_id
     ), left_ as (
       delete from segment_members m
       using jsonb_to_recordset(?::jsonb) as x(segment_id uuid, customer_id uuid)
       where m.segment_id = x.segment_id and m.customer_id = x.customer_id
       returning m.segment_id, m.customer_id
     )
     select true as entered, segment_id, customer_id from entered
     union all select false, segment_id, customer_id from left_`,
    [
      now,
      JSON.stringify(changes.filter((c) => c.entered).map(row)),
      JSON.stringify(changes.filter((c) => !c.entered).map(row)),
    ],
  );
  const applied = new Set(rows.map((r) => `${r.entered}/${r.segment_id}/${r.customer_id}`));
  return changes.filter((c) => applied.has(`${c.entered}/${c.segment.id}/${c.customerId}`));
}

/** segment.entered and segment.left for applied changes, through the outbox. */
export function membershipEvents(
  changes: readonly MembershipChange[],
  reason: SegmentChangeReason,
  now: Date,
): OutboxEvent[] {
  return changes.map((c) => {
    const definition = c.entered ? SegmentEnteredV1 : SegmentLeftV1;
    return {
      definition: definition as EventDefinition<unknown>,
      envelope: definition.create(
        {
          segmentId: c.segment.id,
          segmentCode: c.segment.code,
          segmentVersion: c.segment.version,
          customerId: c.customerId,
          site: c.site,
          reason,
        },
        { source: EVENT_SOURCE, aggregateId: c.customerId, occurredAt: now },
      ),
    };
  });
}
