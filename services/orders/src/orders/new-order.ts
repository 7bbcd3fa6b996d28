import { createHash } from 'node:crypto';
import { z } from 'zod';
import { currencySchema, multiplyMoney, sumMoney, type Contact, type Money } from '@openretail/contracts';
import { ValidationError, type FieldViolation } from '@openretail/contracts';
import type { ReferenceData } from '../reference-data/reference-data';

/** What a caller asks for when creating an order, before the service has checked anything. */
export interface CreateOrderCommand {
  site: string;
  externalId?: string;
  idempotencyKey?: string;
  currency: string;
  customer: Contact;
  items: { offerExternalId?: string; name: string; quantity: number; unitPrice: Money }[];
}

const code = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a code of lowercase letters, digits, - and _');
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .optional()
    .transform((v) => (v ? v : undefined));

const commandSchema = z
  .object({
    site: code,
    externalId: optionalText(100),
    idempotencyKey: optionalText(255),
    currency: currencySchema,
    customer: z.object({
      firstName: optionalText(200),
      lastName: optionalText(200),
      phone: optionalText(64).refine((p) => !p || /^\+?[0-9 ()-]{5,}$/.test(p), 'must be a phone number'),
      email: optionalText(320).refine(
        (e) => !e || z.email().safeParse(e).success,
        'must be an email address',
      ),
    }),
    items: z
      .array(
        z.object({
          offerExternalId: optionalText(100),
          name: z.string().trim().min(1, 'is required').max(500, 'must be at most 500 characters'),
          quantity: z
            .number()
            .int('must be a whole number')
            .min(1, 'must be at least 1')
            .max(1_000_000, 'is too large'),
          unitPrice: z.object({
            amountMinor: z
              .number()
              .int('must be an integer number of minor units')
              .min(0, 'must not be negative')
              .refine(Number.isSafeInteger, 'is too large'),
            currency: currencySchema,
          }),
        }),
      )
      .min(1, 'an order needs at least one item')
      .max(500, 'an order can have at most 500 items'),
  })
  .superRefine((cmd, ctx) => {
    cmd.items.forEach((item, i) => {
      if (item.unitPrice.currency !== cmd.currency) {
        ctx.addIssue({
          code: 'custom',
          path: ['items', i, 'unitPrice', 'currency'],
          message: `must be the order currency ${cmd.currency}`,
        });
      }
    });
  });

export type NewOrder = z.output<typeof commandSchema> & {
  total: Money;
  fingerprint: string;
  /** The first status of the reference data's new group. */
  status: string;
  /** The site's order number format, e.g. "{n}A". */
  numberFormat: string;
};

/**
 * Validates a create command against the schema and the reference data (an active site, in its
 * currency) and computes what the service never takes from the caller: the total, the initial status
 * and the number format. Reports every problem at once, each naming its field.
 */
export function prepareNewOrder(command: CreateOrderCommand, ref: ReferenceData): NewOrder {
  const parsed = commandSchema.safeParse(command);
  const violations: FieldViolation[] = parsed.success
    ? []
    : [...ValidationError.fromZod(parsed.error).violations];
  const site = checkSite(command, ref, violations);
  if (!parsed.success || !site) throw new ValidationError(violations);
  const cmd = parsed.data;
  let total: Money;
  try {
    total = sumMoney(
      cmd.items.map((i) => multiplyMoney(i.unitPrice, i.quantity)),
      cmd.currency,
    );
  } catch {
    throw ValidationError.field('items', 'the order total is too large');
  }
  return {
    ...cmd,
    total,
    fingerprint: fingerprint(cmd),
    status: ref.initialStatus().code,
    numberFormat: site.orderNumberFormat,
  };
}

/** The order number a sequence value gets on a site, e.g. 1042 with "{n}A" is "1042A". */
export function formatOrderNumber(format: string, n: number | string): string {
  return format.replace('{n}', String(n));
}

/**
 * The site the order is for, when it exists and is active and the currency is the site's; otherwise
 * adds the problems to violations. Fields whose format is already wrong are not looked up again.
 */
function checkSite(command: CreateOrderCommand, ref: ReferenceData, violations: FieldViolation[]) {
  if (violations.some((v) => v.field === 'site')) return undefined;
  const site = ref.site(command.site);
  if (!site || !site.active) {
    violations.push({
      field: 'site',
      reason: site ? `site '${command.site}' is not active` : `unknown site '${command.site}'`,
    });
    return undefined;
  }
  if (!violations.some((v) => v.field === 'currency') && command.currency !== site.currency) {
    violations.push({
      field: 'currency',
      reason: `must be ${site.currency}, the currency of site '${site.code}'`,
    });
    return undefined;
  }
  return site;
}

/**
 * Identifies "the same request" for safe retries: everything the caller sent except the retry
 * key itself, in a canonical form.
 */
function fingerprint(cmd: z.output<typeof commandSchema>): string {
  const { idempotencyKey: _ignored, ...rest } = cmd;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
