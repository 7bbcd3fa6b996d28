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
  type OrderCreatedPayload,
  type OrderSummary,
} from '@openretail/contracts';
import type { EventHandler } from '@openretail/messaging';
import type { ConsumerSpec } from '@openretail/service-runtime';
import type { Clock } from '../segments/clock';
import { snapshotOfCreated, snapshotOfSummary } from './customer-metrics';
import { applyOrderSnapshot, linkOrder, recomputeMetrics, refreshCustomers } from './customer-refresh';

export const METRICS_CONSUMER_GROUP = 'customers.metrics';

/**
 * Keeps customer metrics and segment memberships current: every order event updates the order's
 * fact and its customer; a link (resolution, a merge, its undo) moves an order to a profile; a
 * profile change (tags, VIP, consent) re-evaluates the profile's segments; a merge or its undo
 * recomputes the profiles involved (the merged ones leave every segment). Each in the inbox's
 * transaction, idempotently.
 */
export function metricsConsumer(clock: Clock): ConsumerSpec {
  const summary: EventHandler = (event, em) =>
    applyOrderSnapshot(em, snapshotOfSummary((event.payload as { order: OrderSummary }).order), clock.now());
  const profile: EventHandler = async (event, em) => {
    await recomputeMetrics(
      em,
      (event.payload as { customer: CustomerSummary }).customer.customerId,
      clock.now(),
    );
  };
  return {
    groupId: METRICS_CONSUMER_GROUP,
    topics: [TOPICS.orderEvents, TOPICS.customerEvents],
    handlers: {
      [OrderCreatedV1.type]: (event, em) =>
        applyOrderSnapshot(em, snapshotOfCreated(event.payload as OrderCreatedPayload), clock.now()),
      [OrderUpdatedV1.type]: summary,
      [OrderStatusChangedV1.type]: summary,
      [OrderPaymentChangedV1.type]: summary,
      [OrderCancelledV1.type]: summary,
      [OrderCompletedV1.type]: summary,
      [CustomerOrderLinkedV1.type]: (event, em) =>
        linkOrder(em, event.payload as CustomerOrderLinkedPayload, clock.now()),
      [CustomerCreatedV1.type]: profile,
      [CustomerUpdatedV1.type]: profile,
      [CustomerMergedV1.type]: (event, em) => {
        const p = event.payload as CustomerMergedPayload;
        return refreshCustomers(em, [p.survivorId, ...p.mergedIds], clock.now());
      },
      [CustomerMergeUndoneV1.type]: (event, em) => {
        const p = event.payload as CustomerMergeUndonePayload;
        return refreshCustomers(em, [p.survivorId, ...p.restored.map((r) => r.customerId)], clock.now());
      },
    },
  };
}
