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
import { OrderFacts, refreshCustomers } from './customer-refresh';

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
 * Applies events in their order to the order facts (read, locked and written once for the run),
 * then recomputes the metrics and segments of every customer they concern once, together: a
 * customer with several events in a batch (its order's created, linked and updated) is evaluated
 * once, and membership events say where it ended.
 */
export async function applyMetricsEvents(
  em: EntityManager,
  events: EventEnvelope[],
  now: Date,
): Promise<void> {
  const facts = await OrderFacts.lock(em, events.flatMap(orderOf));
  const concerned = events.flatMap((event) => concernedBy(facts, event));
  await facts.write(em, now);
  await refreshCustomers(em, concerned, now);
}

/** The order an event is about, if any. */
function orderOf(event: EventEnvelope): string[] {
  if (event.type === OrderCreatedV1.type || event.type === CustomerOrderLinkedV1.type)
    return [(event.payload as { orderId: string }).orderId];
  if (ORDER_SUMMARY_EVENTS.has(event.type)) return [(event.payload as { order: OrderSummary }).order.orderId];
  return [];
}

/** One event's change of the order facts; answers the customers it concerns. */
function concernedBy(facts: OrderFacts, event: EventEnvelope): (string | null)[] {
  if (event.type === OrderCreatedV1.type)
    return facts.applySnapshot(snapshotOfCreated(event.payload as OrderCreatedPayload));
  if (ORDER_SUMMARY_EVENTS.has(event.type))
    return facts.applySnapshot(snapshotOfSummary((event.payload as { order: OrderSummary }).order));
  if (event.type === CustomerOrderLinkedV1.type)
    return facts.link(event.payload as CustomerOrderLinkedPayload);
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
