import { z } from 'zod';
import { currencySchema } from '../money';
import { dateSchema, phoneSchema, requisitesFields, text } from '../input-fields';

/**
 * The writable fields of an order as callers send them (public JSON and, after mapping, gRPC).
 * One schema for the gateway, which rejects malformed requests before they travel, and for the
 * orders service, which runs it on every command whatever the source. Business rules (reference
 * codes, the status matrix, validations, totals) are the orders service's.
 */

export const codeSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a code of lowercase letters, digits, - and _ (at most 64)');

const minorUnits = z
  .number({ error: 'must be a number' })
  .int('must be an integer number of minor units')
  .refine(Number.isSafeInteger, 'is too large');

export const amountSchema = z.object({ amountMinor: minorUnits, currency: currencySchema });
const nonNegativeAmount = z.object({
  amountMinor: minorUnits.refine((n) => n >= 0, 'must not be negative'),
  currency: currencySchema,
});

export const customerInputSchema = z.strictObject({
  customerId: text(100).optional(),
  firstName: text(200).optional(),
  lastName: text(200).optional(),
  phones: z.array(phoneSchema).max(10, 'at most 10 phones').default([]),
  email: text(320)
    .refine((e) => e === undefined || z.email().safeParse(e).success, 'must be an email address')
    .optional(),
});

export const CONTRAGENT_TYPES = ['individual', 'legal-entity'] as const;
export const contragentInputSchema = z
  .strictObject({
    type: z.enum(CONTRAGENT_TYPES, { error: 'must be individual or legal-entity' }).default('individual'),
    ...requisitesFields,
  })
  .superRefine((c, ctx) => {
    if (c.type === 'legal-entity' && !c.legalName) {
      ctx.addIssue({ code: 'custom', path: ['legalName'], message: 'is required for a legal entity' });
    }
  });

/** How many categories one line may name: a product's own and its ancestors fit with room to spare. */
const ITEM_CATEGORIES_MAX = 20;

export const itemInputSchema = z.strictObject({
  /** A line's id, to edit an existing line; omitted for a new one. */
  id: z.string().max(64).optional(),
  offerExternalId: text(100).optional(),
  /**
   * The codes (or external ids) of the product's categories in the shop's catalogue: there is no
   * catalogue here, so the line carries them for "bought category" segments. Repeats count once.
   */
  categories: z
    .array(
      z
        .string({ error: 'must be a string' })
        .trim()
        .min(1, 'must not be empty')
        .max(100, 'must be at most 100 characters'),
      { error: 'must be a list of category codes' },
    )
    .max(ITEM_CATEGORIES_MAX, `at most ${ITEM_CATEGORIES_MAX} categories`)
    .optional(),
  name: z
    .string({ error: 'is required' })
    .trim()
    .min(1, 'is required')
    .max(500, 'must be at most 500 characters'),
  quantity: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(1_000_000, 'is too large'),
  unitPrice: nonNegativeAmount,
  discount: nonNegativeAmount.optional(),
  status: codeSchema.optional(),
});

const timeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time HH:MM');

export const deliveryInputSchema = z
  .strictObject({
    type: codeSchema.optional(),
    carrier: text(100).optional(),
    address: text(1000).optional(),
    cost: nonNegativeAmount.optional(),
    netCost: nonNegativeAmount.optional(),
    date: dateSchema.optional(),
    timeFrom: timeSchema.optional(),
    timeTo: timeSchema.optional(),
    pickupPoint: text(200).optional(),
  })
  .superRefine((d, ctx) => {
    if (d.timeFrom && d.timeTo && d.timeFrom > d.timeTo) {
      ctx.addIssue({ code: 'custom', path: ['timeTo'], message: 'must not be before timeFrom' });
    }
  });

export const paymentInputSchema = z.strictObject({
  /** The payment's id in the system that sent it (RetailCRM's payment externalId), unique in its order. */
  externalId: text(100).optional(),
  type: codeSchema,
  status: codeSchema,
  amount: nonNegativeAmount,
  paidAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional(),
});

export const customFieldValueSchema = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()], {
  error: 'must be a string, number, boolean or null',
});

/** The writable fields of an order, each on its own. */
const orderFieldsSchema = z.strictObject({
  site: codeSchema,
  externalId: text(100).optional(),
  orderType: codeSchema.optional(),
  orderMethod: codeSchema.optional(),
  currency: currencySchema,
  customer: customerInputSchema.default({ phones: [] }),
  contragent: contragentInputSchema.default({ type: 'individual' }),
  items: z
    .array(itemInputSchema, { error: 'must be a list of items' })
    .min(1, 'an order needs at least one item')
    .max(500, 'an order can have at most 500 items'),
  discount: nonNegativeAmount.optional(),
  delivery: deliveryInputSchema.optional(),
  payments: z.array(paymentInputSchema).max(50, 'at most 50 payments').default([]),
  managerId: text(100).optional(),
  customerComment: text(5000).optional(),
  managerComment: text(5000).optional(),
  tags: z.array(codeSchema).max(50, 'at most 50 tags').default([]),
  customFields: z.record(codeSchema, customFieldValueSchema).default({}),
});

/** Every writable field of an order; create requires site, currency and items. */
type Loose = Record<string, unknown> | undefined;
const asList = (v: unknown): Loose[] => (Array.isArray(v) ? (v as Loose[]) : []);
const asObject = (v: unknown): Loose =>
  v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;

export const orderInputSchema = orderFieldsSchema.superRefine(
  (value, ctx) => {
    // One currency per order: every amount must be in it. Runs on partly invalid input too (see
    // `when`), so a wrong currency is reported with the other problems; hence the defensive reads.
    const order = value as unknown as Record<string, unknown>;
    const currency = order.currency;
    if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) return;
    const check = (amount: unknown, path: (string | number)[]) => {
      const c = asObject(amount)?.currency;
      if (typeof c === 'string' && c !== currency) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'currency'],
          message: `must be the order currency ${currency}`,
        });
      }
    };
    asList(order.items).forEach((item, i) => {
      check(item?.unitPrice, ['items', i, 'unitPrice']);
      check(item?.discount, ['items', i, 'discount']);
    });
    check(order.discount, ['discount']);
    check(asObject(order.delivery)?.cost, ['delivery', 'cost']);
    check(asObject(order.delivery)?.netCost, ['delivery', 'netCost']);
    asList(order.payments).forEach((p, i) => check(p?.amount, ['payments', i, 'amount']));
  },
  { when: (payload) => asObject(payload.value) !== undefined },
);
export type OrderInput = z.output<typeof orderInputSchema>;
export type PaymentInput = z.output<typeof paymentInputSchema>;

/**
 * Fields an edit may change by name (`updateMask` paths): status and payments have commands of their
 * own; site, currency and the number never change.
 */
export const EDITABLE_ORDER_FIELDS = [
  'externalId',
  'orderType',
  'orderMethod',
  'customer',
  'contragent',
  'items',
  'discount',
  'delivery',
  'managerId',
  'customerComment',
  'managerComment',
  'tags',
  'customFields',
] as const;
export type EditableOrderField = (typeof EDITABLE_ORDER_FIELDS)[number];

/** The schema of an edit: every editable field optional; null clears an optional field. */
export const orderEditSchema = orderFieldsSchema
  .pick({
    externalId: true,
    orderType: true,
    orderMethod: true,
    customer: true,
    contragent: true,
    items: true,
    discount: true,
    delivery: true,
    managerId: true,
    customerComment: true,
    managerComment: true,
    tags: true,
    customFields: true,
  })
  .partial();

export const paymentEditSchema = paymentInputSchema.partial();

/**
 * How a combine settles a product (the same offer) that both orders hold: the absorbed order's
 * quantity (ours), the sum of both (summ), the result order's (theirs), or both lines kept apart
 * (merge). Lines of one order only are always kept. RetailCRM API v5's `technique`.
 */
export const COMBINE_TECHNIQUES = ['ours', 'summ', 'theirs', 'merge'] as const;
export type CombineTechnique = (typeof COMBINE_TECHNIQUES)[number];

export const ORDER_HISTORY_SOURCES = ['api', 'manager', 'trigger', 'import', 'integration'] as const;

/**
 * The source of changes the platform makes by itself (an order attached to its customer profile,
 * profiles merged by a deduplication job): history records it, no caller may claim it.
 */
export const SYSTEM_SOURCE = 'system';

/** Every source a history entry may name. */
export const HISTORY_SOURCES = [...ORDER_HISTORY_SOURCES, SYSTEM_SOURCE] as const;
