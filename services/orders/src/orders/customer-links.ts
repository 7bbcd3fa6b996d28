import {
  CustomerMergedV1,
  CustomerOrderLinkedV1,
  TOPICS,
  type CustomerMergedPayload,
  type CustomerOrderLinkedPayload,
} from '@openretail/contracts';
import type { BatchEventHandler } from '@openretail/messaging';
import type { ConsumerSpec } from '@openretail/service-runtime';
import type { CustomerLink, OrdersService } from './orders.service';

export const CUSTOMER_LINKS_CONSUMER_GROUP = 'orders.customer-links';

/**
 * Orders follow the customers service's decisions about who they belong to:
 *
 * - customer.order-linked (every change of one order's link: resolution, a merge, its undo; keyed
 *   by the order, so they arrive in the order they were made) sets the order's customer, while the
 *   order still points where the customers service last saw it;
 * - customer.merged moves the other orders of the merged profiles (those the customers service has
 *   no link for, e.g. pointed at a profile by an edit) to the survivor.
 */
export function customerLinksConsumer(orders: OrdersService): ConsumerSpec {
  // One handler for both types: a run of links is applied with one read and one write, and a
  // merge between links keeps its place in the stream.
  const apply: BatchEventHandler = async (events, em) => {
    for (let i = 0; i < events.length;) {
      if (events[i].type === CustomerMergedV1.type) {
        const merge = events[i++].payload as CustomerMergedPayload;
        await orders.repointCustomers(em, merge.mergedIds, merge.survivorId, merge.linkedOrderIds);
        continue;
      }
      const links: CustomerLink[] = [];
      for (; i < events.length && events[i].type === CustomerOrderLinkedV1.type; i++) {
        const link = events[i].payload as CustomerOrderLinkedPayload;
        links.push({ orderId: link.orderId, customerId: link.customerId, expected: link.previousCustomerId });
      }
      await orders.linkCustomers(em, links);
    }
  };
  return {
    groupId: CUSTOMER_LINKS_CONSUMER_GROUP,
    topics: [TOPICS.customerEvents],
    handlers: {},
    batchHandlers: { [CustomerOrderLinkedV1.type]: apply, [CustomerMergedV1.type]: apply },
  };
}
