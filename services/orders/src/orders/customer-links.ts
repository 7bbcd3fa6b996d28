import {
  CustomerMergedV1,
  CustomerOrderLinkedV1,
  TOPICS,
  type CustomerMergedPayload,
  type CustomerOrderLinkedPayload,
} from '@openretail/contracts';
import type { ConsumerSpec } from '@openretail/service-runtime';
import type { OrdersService } from './orders.service';

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
  return {
    groupId: CUSTOMER_LINKS_CONSUMER_GROUP,
    topics: [TOPICS.customerEvents],
    handlers: {
      [CustomerOrderLinkedV1.type]: async (event, em) => {
        const link = event.payload as CustomerOrderLinkedPayload;
        await orders.linkCustomers(em, [
          { orderId: link.orderId, customerId: link.customerId, expected: link.previousCustomerId },
        ]);
      },
      [CustomerMergedV1.type]: async (event, em) => {
        const merge = event.payload as CustomerMergedPayload;
        await orders.repointCustomers(em, merge.mergedIds, merge.survivorId, merge.linkedOrderIds);
      },
    },
  };
}
