import {
  CustomerCreatedV1,
  CustomerMergedV1,
  CustomerMergeUndoneV1,
  CustomerOrderLinkedV1,
  CustomerUpdatedV1,
  OrderCancelledV1,
  OrderCompletedV1,
  OrderCreatedV1,
  OrderPaymentChangedV1,
  OrderStatusChangedV1,
  OrderUpdatedV1,
  TOPICS,
  type CustomerMergedPayload,
  type CustomerMergeUndonePayload,
  type CustomerOrderLinkedPayload,
  type CustomerSummary,
  type EventEnvelope,
  type OrderCreatedPayload,
  type OrderSummary,
} from '@openretail/contracts';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BatchEventHandler } from '@openretail/messaging';
import type { ConsumerSpec } from '@openretail/service-runtime';
import type { Clock } from '../segments/clock';
import { snapshotOfCreated, snapshotOfSummary } from './customer-metrics';
import { applyOrderSnapshot, linkOrder, refreshCustomers } from './customer-refresh';

export const METRICS_CONSUMER_GROUP = 'customers.metrics';

const ORDER_SUMMARY_EVENTS = new Set<string>([
  OrderUpdatedV1.type,
  OrderStatusChangedV1.type,
  OrderPaymentChangedV1.type,
  OrderCancelledV1.type,
  OrderCompletedV1.type,
]);
const METRICS_EVENTS = [
  OrderCreatedV1.type,
  ...ORDER_SUMMARY_EVENTS,
  CustomerOrderLinkedV1.type,
  CustomerCreatedV1.type,
  CustomerUpdatedV1.type,
  CustomerMergedV1.type,
  CustomerMergeUndoneV1.type,
];

/**
 * Keeps customer metrics and segment memberships current: every order event updates the order's
 * fact; a link (resolution, a merge, its undo) moves an order to a profile; a profile change (tags,
 * VIP, consent), a merge or its undo concerns the profiles involved (the merged ones leave every
 * segment). Idempotently, in the inbox's transaction, a batch at a time (applyMetricsEvents).
 */
export function metricsConsumer(clock: Clock): ConsumerSpec {
  const apply: BatchEventHandler = (events, em) => applyMetricsEvents(em, events, clock.now());
  return {
    groupId: METRICS_CONSUMER_GROUP,
    topics: [TOPICS.orderEvents, TOPICS.customerEvents],
    handlers: {},
    batchHandlers: Object.fromEntries(METRICS_EVENTS.map((type) => [type, apply])),
  };
}

/**
 * Applies events in their order to the order facts, then recomputes the metrics and segments of
 * every customer they concern once, together: a customer with several events in a batch (its
 * order's created, linked and updated) is evaluated once, and membership events say where it ended.
 */
export async function applyMetricsEvents(em: EntityManager, events: EventEnvelope[], now: Date): Promise<void> {
  const concerned: (string | null | undefined)[] = [];
  for (const event of events) concerned.push(...(await applyToFacts(em, event, now)));
  await refreshCustomers(em, concerned, now);
}

/** One event's change of the order facts; answers the customers it concerns. */
async function applyToFacts(
  em: EntityManager,
  event: EventEnvelope,
  now: Date,
): Promise<(string | null | undefined)[]> {
  if (event.type === OrderCreatedV1.type)
    return applyOrderSnapshot(em, snapshotOfCreated(event.payload as OrderCreatedPayload), now);
  if (ORDER_SUMMARY_EVENTS.has(event.type))
    return applyOrderSnapshot(em, snapshotOfSummary((event.payload as { order: OrderSummary }).order), now);
  if (event.type === CustomerOrderLinkedV1.type)
    return linkOrder(em, event.payload as CustomerOrderLinkedPayload, now);
  if (event.type === CustomerMergedV1.type) {
    const p = event.payload as CustomerMergedPayload;
    return [p.survivorId, ...p.mergedIds];
  }
  if (event.type === CustomerMergeUndoneV1.type) {
    const p = event.payload as CustomerMergeUndonePayload;
    return [p.survivorId, ...p.restored.map((r) => r.customerId)];
  }
  return [(event.payload as { customer: CustomerSummary }).customer.customerId];
}
