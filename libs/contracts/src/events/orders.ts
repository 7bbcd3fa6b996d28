import { z } from 'zod';
import { moneySchema } from '../money';
import { TOPICS } from '../topics';
import { defineEvent } from './envelope';
import { contactSchema } from './shared';

export const orderItemSchema = z.object({
  offerExternalId: z.string().optional(),
  name: z.string().min(1),
  quantity: z.number().int().positive(),
  unitPrice: moneySchema,
});

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
  }),
});
export type OrderCreatedPayload = z.infer<typeof OrderCreatedV1.payload>;
