import { z } from 'zod';
import { TOPICS } from '../topics';
import { defineEvent, type EventDefinition } from './envelope';

const actorSchema = z.object({ userId: z.string().optional(), source: z.string().min(1) });
const consentSchema = z.object({ status: z.enum(['granted', 'denied']), at: z.string().datetime() });

/**
 * What every event of an individual customer carries about the profile after the change, so that
 * consumers (segments, messaging, loyalty) rarely need to ask the customers service. Phones are the
 * E.164 forms that parsed; emails are lowercased.
 */
export const customerSummarySchema = z.object({
  customerId: z.string().uuid(),
  site: z.string().min(1),
  externalId: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  patronymic: z.string().optional(),
  phones: z.array(z.string()),
  emails: z.array(z.string()),
  tags: z.array(z.string()),
  vip: z.boolean(),
  managerId: z.string().optional(),
  consent: z.object({
    email: consentSchema.optional(),
    sms: consentSchema.optional(),
    messengers: consentSchema.optional(),
  }),
  /** Goes up by one with every change: consumers keep the highest they have seen. */
  version: z.number().int().positive(),
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
});
export type CustomerSummary = z.infer<typeof customerSummarySchema>;

function customerEvent<S extends z.ZodRawShape>(type: string, extra: S) {
  return defineEvent({
    type,
    version: 1,
    topic: TOPICS.customerEvents,
    aggregateType: 'customer',
    payload: z.object({ customer: customerSummarySchema, actor: actorSchema, ...extra }),
  });
}

export const CustomerCreatedV1 = customerEvent('customer.created', {});
/** Any change of the profile's fields; `changedFields` are history paths ("phones", "consent.sms", "tags[vip]"). */
export const CustomerUpdatedV1 = customerEvent('customer.updated', {
  changedFields: z.array(z.string()).min(1),
});

/** A corporate customer after the change: its companies by tax number, its contact persons by profile. */
export const corporateCustomerSummarySchema = z.object({
  corporateCustomerId: z.string().uuid(),
  site: z.string().min(1),
  externalId: z.string().optional(),
  name: z.string().min(1),
  companies: z.array(
    z.object({ id: z.string(), name: z.string(), inn: z.string().optional(), main: z.boolean() }),
  ),
  contacts: z.array(
    z.object({ customerId: z.string().uuid(), role: z.string().optional(), main: z.boolean() }),
  ),
  tags: z.array(z.string()),
  vip: z.boolean(),
  managerId: z.string().optional(),
  version: z.number().int().positive(),
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
});
export type CorporateCustomerSummary = z.infer<typeof corporateCustomerSummarySchema>;

function corporateEvent<S extends z.ZodRawShape>(type: string, extra: S) {
  return defineEvent({
    type,
    version: 1,
    topic: TOPICS.customerEvents,
    aggregateType: 'corporate-customer',
    payload: z.object({ corporateCustomer: corporateCustomerSummarySchema, actor: actorSchema, ...extra }),
  });
}

export const CorporateCustomerCreatedV1 = corporateEvent('corporate.created', {});
/** `changedFields` are history paths ("name", "companies[<id>].inn", "contacts[<customerId>]"). */
export const CorporateCustomerUpdatedV1 = corporateEvent('corporate.updated', {
  changedFields: z.array(z.string()).min(1),
});

export const CUSTOMER_EVENTS: readonly EventDefinition<unknown>[] = [
  CustomerCreatedV1,
  CustomerUpdatedV1,
  CorporateCustomerCreatedV1,
  CorporateCustomerUpdatedV1,
] as EventDefinition<unknown>[];
