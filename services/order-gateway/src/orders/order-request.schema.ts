import { z } from 'zod';

const money = z.object({
  amountMinor: z.number().int('must be an integer number of minor units'),
  currency: z.string(),
});

/**
 * The JSON body of POST /v1/orders. The gateway checks the shape (types, required fields);
 * the orders service checks the business rules and computes totals.
 */
export const createOrderBody = z.strictObject({
  site: z.string({ error: 'is required' }),
  externalId: z.string().optional(),
  currency: z.string({ error: 'is required' }),
  customer: z
    .strictObject({
      firstName: z.string().optional(),
      lastName: z.string().optional(),
      phone: z.string().optional(),
      email: z.string().optional(),
    })
    .optional(),
  items: z.array(
    z.strictObject({
      offerExternalId: z.string().optional(),
      name: z.string({ error: 'is required' }),
      quantity: z.number({ error: 'must be a number' }).int('must be a whole number'),
      unitPrice: money,
    }),
    { error: 'is required and must be a list' },
  ),
});
export type CreateOrderBody = z.infer<typeof createOrderBody>;

export const idempotencyKeyHeader = z
  .string()
  .min(1)
  .max(255, 'must be at most 255 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
  .optional();
