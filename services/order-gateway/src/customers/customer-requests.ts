import { z } from 'zod';
import {
  ADDRESS_FIELDS,
  COMPANY_FIELDS,
  CONTACT_FIELDS,
  CUSTOMER_MERGED_FIELDS,
  EDITABLE_CORPORATE_FIELDS,
  EDITABLE_CUSTOMER_FIELDS,
  addressFieldsSchema,
  addressInputSchema,
  companyInputSchema,
  contactPersonInputSchema,
  corporateCustomerEditSchema,
  corporateCustomerInputSchema,
  customerNoteInputSchema,
  customerProfileEditSchema,
  customerProfileInputSchema,
  parseInput,
  type AddressJson,
  type CompanyJson,
  type ContactPersonJson,
  type CorporateCustomerJson,
  type CustomerJson,
} from '@openretail/contracts';
import { mergePatch } from '../http/merge-patch';

/**
 * The shapes of the customer endpoints' requests. Bodies use the customer schemas of the contracts
 * library, so a malformed request is refused here with every field named; the customers service
 * runs the same schemas and the rules that need the reference data or the stored profile.
 */

export const createCustomerBody = customerProfileInputSchema;
export const createCorporateBody = corporateCustomerInputSchema;
export const noteBody = customerNoteInputSchema;
export const companyBody = companyInputSchema;
export const contactBody = contactPersonInputSchema;
export const addressBody = addressInputSchema;

/** A body parsed by its schema, every bad and every unknown field named. */
export const parseBody = parseInput;

/**
 * A JSON merge patch of a customer: members given replace, null clears; the members of customFields
 * and consent merge one level down. The service checks the nested members against the stored profile.
 */
export function customerPatch(body: unknown): { customer: CustomerJson; mask: string[] } {
  const { values, mask } = mergePatch(body, {
    fields: EDITABLE_CUSTOMER_FIELDS,
    merged: CUSTOMER_MERGED_FIELDS,
    refuse: (field) =>
      field === 'site' ? "a customer's site never changes" : 'is not an editable customer field',
  });
  const shallow = Object.fromEntries(
    Object.entries(values).filter(([k]) => !(CUSTOMER_MERGED_FIELDS as readonly string[]).includes(k)),
  );
  parseInput(customerProfileEditSchema, shallow);
  return { customer: customerJsonOf(values), mask };
}

/**
 * A customer body (parsed, or a checked patch) in the shape the mapping to gRPC takes: a phone
 * given as a string becomes {number}, a consent given as its status becomes {status}.
 */
export function customerJsonOf(body: Record<string, unknown>): CustomerJson {
  const out: Record<string, unknown> = { ...body };
  if (Array.isArray(body.phones)) {
    out.phones = body.phones.map((p: unknown) => (typeof p === 'string' ? { number: p } : p));
  }
  if (body.consent && typeof body.consent === 'object') {
    out.consent = Object.fromEntries(
      Object.entries(body.consent).map(([channel, c]) => [
        channel,
        typeof c === 'string' ? { status: c } : c,
      ]),
    );
  }
  return out as CustomerJson;
}

/** A merge patch of a corporate customer's own fields; companies, contacts and addresses have routes of their own. */
export function corporatePatch(body: unknown): { corporate: CorporateCustomerJson; mask: string[] } {
  const { values, mask } = mergePatch(body, {
    fields: EDITABLE_CORPORATE_FIELDS,
    merged: ['customFields'],
    refuse: (field) =>
      ['companies', 'contacts', 'addresses'].includes(field)
        ? `change ${field} with /v1/corporate-customers/{id}/${field}`
        : 'is not an editable corporate customer field',
  });
  const { customFields: _customFields, ...shallow } = values;
  parseInput(corporateCustomerEditSchema, shallow);
  return { corporate: values as CorporateCustomerJson, mask };
}

/** A merge patch of one part (a company, contact or address): its fields replace, null clears. */
function partPatch<T>(
  body: unknown,
  fields: readonly string[],
  schema: z.ZodObject,
): { part: T; mask: string[] } {
  const { values, mask } = mergePatch(body, { fields, merged: [] });
  parseInput(schema.partial(), values);
  return { part: values as T, mask };
}

export const companyPatch = (body: unknown) =>
  partPatch<CompanyJson>(body, COMPANY_FIELDS, companyInputSchema);
export const contactPatch = (body: unknown) =>
  partPatch<ContactPersonJson>(body, CONTACT_FIELDS, contactPersonInputSchema.omit({ customerId: true }));
export const addressPatch = (body: unknown) =>
  partPatch<AddressJson>(body, ADDRESS_FIELDS, addressFieldsSchema.omit({ id: true }));

const list = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean))
  .optional();
const number = z.coerce.number({ error: 'must be a number' }).int('must be a whole number').optional();
const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional();
const flag = z.enum(['true', 'false'], { error: 'must be true or false' }).optional();

export const listCustomersQuery = z.strictObject({
  site: list,
  managerId: z.string().max(100).optional(),
  tag: list,
  vip: flag,
  createdFrom: instant,
  createdTo: instant,
  includeMerged: flag,
  pageSize: number,
  pageToken: z.string().max(500).optional(),
});

export const searchCustomersQuery = z.strictObject({
  phone: z.string().max(64).optional(),
  email: z.string().max(320).optional(),
  name: z.string().max(300).optional(),
  site: list,
  includeMerged: flag,
  limit: number,
});

export const notesQuery = z.strictObject({ pageSize: number, pageToken: z.string().max(500).optional() });

export const listCorporateQuery = z.strictObject({
  site: list,
  name: z.string().max(300).optional(),
  inn: z.string().max(12).optional(),
  contactCustomerId: z.string().max(64).optional(),
  managerId: z.string().max(100).optional(),
  includeMerged: flag,
  pageSize: number,
  pageToken: z.string().max(500).optional(),
});

export const customerHistoryQuery = z.strictObject({
  afterId: z.coerce.number({ error: 'must be a number' }).int().min(0, 'must be 0 or more').default(0),
  site: list,
  limit: number,
});

export const toFlag = (value: 'true' | 'false' | undefined) =>
  value === undefined ? undefined : value === 'true';
