import { z } from 'zod';
import { moneySchema } from '../money';
import { COMBINE_TECHNIQUES } from '../orders/order-input';
import { TOPICS } from '../topics';
import { defineEvent, type EventDefinition } from './envelope';
import { contactSchema } from './shared';

export const orderItemSchema = z.object({
  offerExternalId: z.string().optional(),
  name: z.string().min(1),
  quantity: z.number().int().positive(),
  unitPrice: moneySchema,
});

/**
 * What every order event carries about the order after the change, so that consumers
 * (customer metrics, segments, analytics, messaging triggers) rarely need to ask the orders service.
 */
export const orderSummarySchema = z.object({
  orderId: z.string().uuid(),
  site: z.string().min(1),
  number: z.string().min(1),
  externalId: z.string().optional(),
  status: z.string().min(1),
  statusGroup: z.string().min(1),
  /**
   * The kind of the status group (new, approval, assembling, delivery, complete, cancel, custom).
   * A shop names its groups itself, so a consumer tells a cancelled order by the kind, not the code.
   * Absent in events published before it was added.
   */
  statusGroupKind: z.string().min(1).optional(),
  customerId: z.string().optional(),
  customer: contactSchema,
  managerId: z.string().optional(),
  total: moneySchema,
  paid: moneySchema,
  /**
   * The offers the order's lines are for (their offerExternalId), each once, in line order: what
   * "bought product" segments match. Absent in events published before it was added.
   */
  offerExternalIds: z.array(z.string()).optional(),
  /**
   * The categories of the order's lines, each once, in line order: what "bought category" segments
   * match. Absent in events published before it was added.
   */
  productCategories: z.array(z.string()).optional(),
  /** Goes up by one with every change: consumers keep the highest they have seen. */
  version: z.number().int().positive(),
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
});
export type OrderSummary = z.infer<typeof orderSummarySchema>;

export const OrderCreatedV1 = defineEvent({
  type: 'order.created',
  version: 1,
  topic: TOPICS.orderEvents,
  aggregateType: 'order',
  payload: z.object({
    orderId: z.string().uuid(),
    number: z.string().min(1),
    site: z.string().min(1),
    externalId: z.string().optional(),
    status: z.string().min(1),
    customer: contactSchema,
    items: z.array(orderItemSchema),
    total: moneySchema,
    createdAt: z.string().datetime(),
    /**
     * The new order as every later event summarises it (status group, customer reference, paid,
     * version 1). Absent in events published before it was added.
     */
    order: orderSummarySchema.optional(),
  }),
});
export type OrderCreatedPayload = z.infer<typeof OrderCreatedV1.payload>;

const actorSchema = z.object({ userId: z.string().optional(), source: z.string().min(1) });

function orderEvent<S extends z.ZodRawShape>(type: string, extra: S) {
  return defineEvent({
    type,
    version: 1,
    topic: TOPICS.orderEvents,
    aggregateType: 'order',
    payload: z.object({ order: orderSummarySchema, actor: actorSchema, ...extra }),
  });
}

/** Any edit of the order's fields; `changedFields` are history paths ("delivery.date", "items[<id>].quantity"). */
export const OrderUpdatedV1 = orderEvent('order.updated', { changedFields: z.array(z.string()).min(1) });

export const OrderStatusChangedV1 = orderEvent('order.status-changed', {
  from: z.string(),
  to: z.string(),
  fromGroup: z.string(),
  toGroup: z.string(),
  cancelReason: z.string().optional(),
});

export const OrderPaymentChangedV1 = orderEvent('order.payment-changed', {
  change: z.enum(['added', 'updated', 'deleted']),
  payment: z.object({
    id: z.string(),
    type: z.string(),
    status: z.string(),
    amount: moneySchema,
    paidAt: z.string().datetime().optional(),
  }),
});

export const OrderCancelledV1 = orderEvent('order.cancelled', { cancelReason: z.string() });
export const OrderCompletedV1 = orderEvent('order.completed', {});
export const OrderAssignedV1 = orderEvent('order.assigned', {
  previousManagerId: z.string().optional(),
  managerId: z.string().optional(),
});

/**
 * The order was combined into another (RetailCRM's orders/combine): its lines went into `into` by
 * the technique and its payments moved there. The combined order is cancelled by the same change
 * (order.status-changed and order.cancelled follow) and changes no more; `into` gets order.updated.
 */
export const OrderCombinedV1 = orderEvent('order.combined', {
  into: z.object({ orderId: z.string().uuid(), number: z.string().min(1) }),
  technique: z.enum(COMBINE_TECHNIQUES),
  movedPaymentIds: z.array(z.string()),
});

/** The order has been in its status longer than the status's time limit. Once per order, status and entry. */
export const OrderStatusOverdueV1 = defineEvent({
  type: 'order.status-overdue',
  version: 1,
  topic: TOPICS.orderEvents,
  aggregateType: 'order',
  payload: z.object({
    order: orderSummarySchema,
    status: z.string(),
    statusSince: z.string().datetime(),
    deadline: z.string().datetime(),
    timeLimitMinutes: z.number().int().positive(),
  }),
});

/**
 * The order has not reached a final status group within the site's stale age. Once per order and
 * status entry: an order still open after a status change is reported again, in its new status.
 */
export const OrderStaleV1 = defineEvent({
  type: 'order.stale',
  version: 1,
  topic: TOPICS.orderEvents,
  aggregateType: 'order',
  payload: z.object({
    order: orderSummarySchema,
    staleSince: z.string().datetime(),
    staleAfterDays: z.number().int().positive(),
  }),
});

export const ORDER_EVENTS: readonly EventDefinition<unknown>[] = [
  OrderCreatedV1,
  OrderUpdatedV1,
  OrderStatusChangedV1,
  OrderPaymentChangedV1,
  OrderCancelledV1,
  OrderCompletedV1,
  OrderAssignedV1,
  OrderCombinedV1,
  OrderStatusOverdueV1,
  OrderStaleV1,
] as EventDefinition<unknown>[];
