import { z } from 'zod';
import { phoneSchema, requisitesFields, text } from '../input-fields';
import { codeSchema, customFieldValueSchema } from '../orders/order-input';
import { CONSENT_CHANNELS } from './customer-json';

/**
 * The writable fields of customers as callers send them (public JSON and, after mapping, gRPC). One
 * schema for the gateway, which refuses malformed requests before they travel, and for the
 * customers service, which runs it on every command; rules that need the reference data (sites,
 * custom field definitions, the site's phone region) or the stored profile (consent) are the
 * service's.
 */

/** A phone as a string, or as the {number, e164} the API returns (e164 is recomputed). */
const phoneInput = z
  .union([phoneSchema, z.strictObject({ number: phoneSchema, e164: z.string().max(32).optional() })], {
    error: 'must be a phone number or {"number": "..."}',
  })
  .transform((p) => (typeof p === 'string' ? p : p.number));

const emailInput = z
  .string()
  .trim()
  .max(320, 'must be at most 320 characters')
  .refine((e) => z.email().safeParse(e).success, 'must be an email address');

const addressFields = {
  /** An existing address's id, to keep it; omitted for a new one. */
  id: z.string().max(64).optional(),
  name: text(100).optional(),
  main: z.boolean().optional(),
  text: text(1000).optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code')
    .optional(),
  region: text(200).optional(),
  city: text(200).optional(),
  street: text(200).optional(),
  building: text(50).optional(),
  flat: text(50).optional(),
  postcode: text(20).optional(),
  notes: text(1000).optional(),
};
/** An address's members, each checked on its own (a patch of an address is made of these). */
export const addressFieldsSchema = z.strictObject(addressFields);
export const addressInputSchema = addressFieldsSchema.refine((a) => a.text || a.city || a.street, {
  message: 'give the address as text or at least a city or street',
});

/** At most one element of a list may be main. */
function oneMain<T extends { main?: boolean }>(list: z.ZodType<T[]>, what: string) {
  return list.superRefine((items, ctx) => {
    const mains = items.flatMap((item, i) => (item.main ? [i] : []));
    for (const i of mains.slice(1)) {
      ctx.addIssue({ code: 'custom', path: [i, 'main'], message: `only one ${what} can be main` });
    }
  });
}

export const addressListSchema = oneMain(
  z.array(addressInputSchema).max(20, 'at most 20 addresses'),
  'address',
);

export const CONSENT_STATUSES = ['granted', 'denied'] as const;
const consentStatus = z.enum(CONSENT_STATUSES, { error: 'must be granted or denied' });

/** Consent for one channel: "granted" / "denied", or {status, at} to record when it was given. */
export const consentInputSchema = z
  .union(
    [
      consentStatus,
      z.strictObject({
        status: consentStatus,
        at: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional(),
        /** What the API returns; ignored (the caller's source is recorded). */
        source: z.string().max(32).optional(),
      }),
    ],
    { error: 'must be granted, denied or {"status": "granted", "at": "..."}' },
  )
  .transform((c) => (typeof c === 'string' ? { status: c } : { status: c.status, at: c.at }));
export type ConsentInput = z.output<typeof consentInputSchema>;

const consentsSchema = z.strictObject(
  Object.fromEntries(CONSENT_CHANNELS.map((c) => [c, consentInputSchema.optional()])) as Record<
    (typeof CONSENT_CHANNELS)[number],
    z.ZodOptional<typeof consentInputSchema>
  >,
);

export const SEXES = ['male', 'female'] as const;

const birthdaySchema = z.string().refine((d) => {
  const t = Date.parse(`${d}T00:00:00Z`);
  return (
    /^\d{4}-\d{2}-\d{2}$/.test(d) &&
    !Number.isNaN(t) &&
    new Date(t).toISOString().startsWith(d) &&
    d >= '1900-01-01' &&
    t <= Date.now()
  );
}, 'must be a real date YYYY-MM-DD from 1900 until today');

const profileFields = {
  site: codeSchema,
  externalId: text(100).optional(),
  firstName: text(200).optional(),
  lastName: text(200).optional(),
  patronymic: text(200).optional(),
  phones: z.array(phoneInput).max(10, 'at most 10 phones').default([]),
  emails: z.array(emailInput).max(10, 'at most 10 emails').default([]),
  addresses: addressListSchema.default([]),
  birthday: birthdaySchema.optional(),
  sex: z.enum(SEXES, { error: 'must be male or female' }).optional(),
  tags: z.array(codeSchema).max(50, 'at most 50 tags').default([]),
  customFields: z.record(codeSchema, customFieldValueSchema).default({}),
  consent: consentsSchema.default({}),
  managerId: text(100).optional(),
  vip: z.boolean({ error: 'must be true or false' }).default(false),
};

/** Every writable field of an individual customer; create requires the site. */
export const customerProfileInputSchema = z.strictObject(profileFields);
export type CustomerProfileInput = z.output<typeof customerProfileInputSchema>;

/** Fields an edit may change by name (`updateMask` paths, or the members of a PATCH); the site never changes. */
export const EDITABLE_CUSTOMER_FIELDS = [
  'externalId',
  'firstName',
  'lastName',
  'patronymic',
  'phones',
  'emails',
  'addresses',
  'birthday',
  'sex',
  'tags',
  'customFields',
  'consent',
  'managerId',
  'vip',
] as const;
export type EditableCustomerField = (typeof EDITABLE_CUSTOMER_FIELDS)[number];

/** Fields whose members an edit may name one by one: `customFields.<code>`, `consent.<channel>`. */
export const CUSTOMER_MERGED_FIELDS = ['customFields', 'consent'] as const;

/** The schema of an edit: every editable field optional. */
export const customerProfileEditSchema = customerProfileInputSchema.omit({ site: true }).partial();

export const customerNoteInputSchema = z.strictObject({
  text: z
    .string({ error: 'is required' })
    .trim()
    .min(1, 'is required')
    .max(10_000, 'must be at most 10000 characters'),
});

export const companyInputSchema = z.strictObject({
  name: z
    .string({ error: 'is required' })
    .trim()
    .min(1, 'is required')
    .max(500, 'must be at most 500 characters'),
  main: z.boolean().default(false),
  ...requisitesFields,
  taxNumber: text(50).optional(),
});
export type CompanyInput = z.output<typeof companyInputSchema>;
export const COMPANY_FIELDS = Object.keys(companyInputSchema.shape) as (keyof CompanyInput)[];

export const contactPersonInputSchema = z.strictObject({
  customerId: z.string({ error: 'is required' }).uuid('must be a UUID'),
  role: text(100).optional(),
  main: z.boolean().default(false),
  companyId: z.string().uuid('must be a UUID').optional(),
});
export type ContactPersonInput = z.output<typeof contactPersonInputSchema>;
export const CONTACT_FIELDS = ['role', 'main', 'companyId'] as const;

export const ADDRESS_FIELDS = Object.keys(addressFields).filter(
  (f) => f !== 'id',
) as (keyof typeof addressFields)[];
export type AddressInput = z.output<typeof addressInputSchema>;

const corporateFields = {
  site: codeSchema,
  externalId: text(100).optional(),
  name: z
    .string({ error: 'is required' })
    .trim()
    .min(1, 'is required')
    .max(500, 'must be at most 500 characters'),
  companies: oneMain(z.array(companyInputSchema).max(50, 'at most 50 companies'), 'company').default([]),
  contacts: oneMain(z.array(contactPersonInputSchema).max(100, 'at most 100 contacts'), 'contact').default(
    [],
  ),
  addresses: addressListSchema.default([]),
  managerId: text(100).optional(),
  vip: z.boolean({ error: 'must be true or false' }).default(false),
  tags: z.array(codeSchema).max(50, 'at most 50 tags').default([]),
  customFields: z.record(codeSchema, customFieldValueSchema).default({}),
};

/** A corporate customer as created: its own fields with its first companies, contacts and addresses. */
export const corporateCustomerInputSchema = z.strictObject(corporateFields);
export type CorporateCustomerInput = z.output<typeof corporateCustomerInputSchema>;

/** The corporate customer's own fields an edit may change; companies, contacts and addresses have commands of their own. */
export const EDITABLE_CORPORATE_FIELDS = [
  'externalId',
  'name',
  'managerId',
  'vip',
  'tags',
  'customFields',
] as const;

export const corporateCustomerEditSchema = corporateCustomerInputSchema
  .pick({ externalId: true, name: true, managerId: true, vip: true, tags: true, customFields: true })
  .partial();
