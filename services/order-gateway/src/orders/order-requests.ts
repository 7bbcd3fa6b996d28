import { z } from 'zod';
import {
  COMBINE_TECHNIQUES,
  EDITABLE_ORDER_FIELDS,
  ValidationError,
  codeSchema,
  orderEditSchema,
  orderInputSchema,
  paymentEditSchema,
  paymentInputSchema,
  type OrderJson,
  type PaymentJson,
} from '@openretail/contracts';
import { mergePatch } from '../http/merge-patch';

/**
 * The shapes of the order endpoints' requests. Bodies use the one order schema of the contracts
 * library, so a malformed request is refused here with every field named, before it travels; the
 * orders service runs the same schema and every business rule on whatever reaches it.
 */

export function parse<T>(schema: z.ZodType<T>, value: unknown, prefix?: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const { violations } = ValidationError.fromZod(result.error);
  throw new ValidationError(
    prefix
      ? violations.map((v) => ({ ...v, field: v.field === '(root)' ? prefix : `${prefix}.${v.field}` }))
      : violations,
  );
}

export const idempotencyKeyHeader = z
  .string()
  .min(1)
  .max(255, 'must be at most 255 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
  .optional();

/** A version as an If-Match value: the plain number or an entity tag ("3"). */
export const ifMatchHeader = z
  .string()
  .regex(/^\s*(W\/)?"?\d{1,15}"?\s*$/, 'must be the version to change, e.g. "3"')
  .transform((v) => Number(v.replace(/[\sW/"]/g, '')))
  .optional();

export function header<T>(schema: z.ZodType<T>, name: string, value: string | undefined): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw ValidationError.field(name, parsed.error.issues[0].message);
  return parsed.data;
}

export const createOrderBody = orderInputSchema;

/** Fields whose object value a PATCH merges into (RFC 7396) instead of replacing. */
const MERGED_GROUPS = ['customer', 'contragent', 'delivery', 'customFields'];

/**
 * A JSON merge patch (RFC 7396) of an order as an edit: the new values and the field mask. Top-level
 * members replace (null clears); members of customer, contragent, delivery and customFields merge
 * one level down; items and tags are lists and replace as a whole.
 */
export function orderPatch(body: unknown): { order: OrderJson; mask: string[] } {
  const { values, mask } = mergePatch(body, {
    fields: EDITABLE_ORDER_FIELDS,
    merged: MERGED_GROUPS,
    refuse: (field) =>
      field === 'status'
        ? 'change the status with POST /v1/orders/{id}/status'
        : field === 'payments'
          ? 'change payments with /v1/orders/{id}/payments'
          : 'is not an editable order field',
  });
  // Nested members are checked in the orders service against the merged order; here the types.
  const shallow = Object.fromEntries(Object.entries(values).filter(([k]) => !MERGED_GROUPS.includes(k)));
  parse(orderEditSchema, shallow);
  return { order: values as OrderJson, mask };
}

export const statusChangeBody = z.strictObject({
  status: codeSchema,
  cancelReason: codeSchema.optional(),
});

export const paymentBody = paymentInputSchema;

/** Combines the order of the path into `into` (see the orders service's combine command). */
export const combineBody = z.strictObject({
  into: z.string().min(1, 'is required').max(64),
  technique: z
    .enum(COMBINE_TECHNIQUES, { error: `must be one of ${COMBINE_TECHNIQUES.join(', ')}` })
    .default('ours'),
  status: codeSchema.optional(),
  cancelReason: codeSchema.optional(),
});

export function paymentPatch(body: unknown): { payment: PaymentJson; mask: string[] } {
  const parsed = parse(z.record(z.string(), z.unknown()), body ?? null);
  const mask = Object.keys(parsed);
  if (mask.length === 0) throw ValidationError.field('(body)', 'name at least one field to change');
  const values = Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== null));
  return { payment: parse(paymentEditSchema.strict(), values) as PaymentJson, mask };
}

/** A query parameter that lists values: repeated, or separated with commas. */
export const list = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean))
  .optional();
export const number = z.coerce.number({ error: 'must be a number' }).int('must be a whole number').optional();
const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional();

export const listOrdersQuery = z.strictObject({
  site: list,
  status: list,
  statusGroup: list,
  managerId: z.string().optional(),
  customerId: z.string().optional(),
  q: z.string().max(320).optional(),
  createdFrom: instant,
  createdTo: instant,
  pageSize: number,
  pageToken: z.string().max(500).optional(),
});

export const attentionQuery = z.strictObject({
  site: list,
  status: list,
  managerId: z.string().optional(),
  pageSize: number,
  pageToken: z.string().max(500).optional(),
});

export const historyQuery = z.strictObject({
  afterId: z.coerce.number({ error: 'must be a number' }).int().min(0, 'must be 0 or more').default(0),
  site: list,
  limit: number,
});

/** A dry run: exactly one change, in the shape of the endpoint that would make it. */
export const dryRunBody = z
  .strictObject({
    edit: z.record(z.string(), z.unknown()).optional(),
    status: statusChangeBody.optional(),
    addPayment: z.unknown().optional(),
    updatePayment: z
      .object({ id: z.string().min(1) })
      .catchall(z.unknown())
      .optional(),
    deletePayment: z.strictObject({ id: z.string().min(1) }).optional(),
  })
  .refine((b) => Object.values(b).filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of edit, status, addPayment, updatePayment, deletePayment',
  });
