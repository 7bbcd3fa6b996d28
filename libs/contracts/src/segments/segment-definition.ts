import { z } from 'zod';
import { CONSENT_CHANNELS } from '../customers/customer-json';
import { currencySchema } from '../money';
import { codeSchema } from '../orders/order-input';

/**
 * A dynamic customer segment as data: who belongs is decided by the filter, over the profile (tags,
 * VIP, consent) and the metrics kept from order events. Every condition given must hold; an empty
 * filter takes every customer of the segment's site (or of every site). The customers service
 * validates a segment with these schemas when it is saved, naming every bad field.
 */

const LIST_MAX = 100;

const refList = (what: string, one = what.replace(/s$/, '')) =>
  z
    .array(
      z
        .string({ error: 'must be a string' })
        .trim()
        .min(1, 'must not be empty')
        .max(100, 'must be at most 100 characters'),
      { error: `must be a list of ${what}` },
    )
    .min(1, `must name at least one ${one}`)
    .max(LIST_MAX, `must name at most ${LIST_MAX} ${what}`)
    .transform((list) => [...new Set(list)]);

const count = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must not be negative')
  .max(1_000_000_000, 'is too large');

const minorUnits = z
  .number({ error: 'must be a number' })
  .int('must be an integer number of minor units')
  .min(0, 'must not be negative')
  .refine(Number.isSafeInteger, 'is too large');

const days = z
  .number({ error: 'must be a number' })
  .int('must be a whole number of days')
  .min(1, 'must be at least 1')
  .max(36_500, 'must be at most 36500');

/** A UTC calendar day. */
const daySchema = z
  .string({ error: 'must be a date YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((d) => new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'is not a calendar date');

/** Inclusive bounds; at least one, and min not above max. */
function range<B extends z.ZodType<number>, E extends z.ZodRawShape>(bound: B, extra: E) {
  return z.strictObject({ ...extra, min: bound.optional(), max: bound.optional() }).superRefine((r, ctx) => {
    const { min, max } = r as { min?: number; max?: number };
    if (min === undefined && max === undefined)
      ctx.addIssue({ code: 'custom', path: [], message: 'needs min, max or both' });
    else if (min !== undefined && max !== undefined && min > max)
      ctx.addIssue({ code: 'custom', path: ['max'], message: 'must not be less than min' });
  });
}

function nonEmpty<T extends object>(value: T, ctx: z.RefinementCtx, what: string) {
  if (Object.values(value).every((v) => v === undefined))
    ctx.addIssue({ code: 'custom', path: [], message: `needs at least one of ${what}` });
}

/** granted: consent recorded as granted; not-granted: denied or never recorded. */
const consentCondition = z.enum(['granted', 'not-granted'], { error: 'must be granted or not-granted' });

export const segmentFilterSchema = z.strictObject({
  /** The customer's tags: any of, all of, none of. */
  tags: z
    .strictObject({
      any: refList('tags').optional(),
      all: refList('tags').optional(),
      none: refList('tags').optional(),
    })
    .superRefine((t, ctx) => nonEmpty(t, ctx, 'any, all, none'))
    .optional(),
  vip: z.boolean({ error: 'must be true or false' }).optional(),
  consent: z
    .strictObject({
      email: consentCondition.optional(),
      sms: consentCondition.optional(),
      messengers: consentCondition.optional(),
    })
    .superRefine((c, ctx) => nonEmpty(c, ctx, CONSENT_CHANNELS.join(', ')))
    .optional(),
  /** Orders that count (not cancelled). */
  ordersCount: range(count, {}).optional(),
  /** In minor units of `currency`: a customer whose metrics are in another currency does not match. */
  totalSpent: range(minorUnits, { currency: currencySchema }).optional(),
  averageCheck: range(minorUnits, { currency: currencySchema }).optional(),
  /**
   * The last order that counts: from and to are inclusive UTC days; withinDays N means at most N
   * days ago, notWithinDays M more than M days ago. A customer without orders never matches.
   */
  lastOrder: z
    .strictObject({
      from: daySchema.optional(),
      to: daySchema.optional(),
      withinDays: days.optional(),
      notWithinDays: days.optional(),
    })
    .superRefine((l, ctx) => {
      nonEmpty(l, ctx, 'from, to, withinDays, notWithinDays');
      if (l.from && l.to && l.to < l.from)
        ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
      if (l.withinDays !== undefined && l.notWithinDays !== undefined && l.withinDays <= l.notWithinDays)
        ctx.addIssue({
          code: 'custom',
          path: ['withinDays'],
          message: 'must be more than notWithinDays, or no customer can match',
        });
    })
    .optional(),
  /** Bought any of these offers (the order lines' offerExternalId) in an order that was not cancelled. */
  boughtProducts: refList('products').optional(),
  /** Bought a product of any of these categories (the order lines' categories), likewise. */
  boughtCategories: refList('categories', 'category').optional(),
});
export type SegmentFilter = z.output<typeof segmentFilterSchema>;

export const segmentNameSchema = z
  .string({ error: 'is required' })
  .trim()
  .min(1, 'is required')
  .max(255, 'must be at most 255 characters');

export const segmentInputSchema = z.strictObject({
  /** Unique in the installation; never changes. */
  code: codeSchema,
  name: segmentNameSchema,
  /** The site whose customers it takes; absent for every site. Never changes. */
  site: codeSchema.optional(),
  filter: segmentFilterSchema.default({}),
});
export type SegmentInput = z.output<typeof segmentInputSchema>;

/** An edit: the name, the filter (replaced whole), or both. */
export const segmentUpdateSchema = z
  .strictObject({ name: segmentNameSchema.optional(), filter: segmentFilterSchema.optional() })
  .superRefine((u, ctx) => nonEmpty(u, ctx, 'name, filter'));
export type SegmentUpdate = z.output<typeof segmentUpdateSchema>;

/** The conditions that change with time alone: membership must be re-evaluated as days pass. */
export function timeDependentDays(filter: SegmentFilter): number[] {
  const l = filter.lastOrder;
  return [l?.withinDays, l?.notWithinDays].filter((d): d is number => d !== undefined);
}
