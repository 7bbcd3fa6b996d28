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

/**
 * How an order came to point at its customer: the order named the profile (`named`), identity
 * resolution attached it to an existing profile (`matched`) or made a new one for it (`created`; with
 * `suggestionIds` when possible duplicates were filed for a manager), or a merge moved it to the
 * survivor (`merged`) and its undo back (`merge-undone`).
 */
export const ORDER_LINK_DECISIONS = ['named', 'matched', 'created', 'merged', 'merge-undone'] as const;
export type OrderLinkDecision = (typeof ORDER_LINK_DECISIONS)[number];

/**
 * An order's customer was set or changed by the customers service. Every change of an order's link
 * (resolution, a merge, its undo) is one of these, keyed by the ORDER id (aggregate "order-link"):
 * the changes of one order reach consumers in the order they happened, whatever profiles they
 * involve. Customer metrics and segments count the order for `customerId` from then on (and no
 * longer for `previousCustomerId`). The orders service applies it only while the order still points
 * at `previousCustomerId` (absent: at none), so a manager's own change in between is kept.
 */
export const CustomerOrderLinkedV1 = defineEvent({
  type: 'customer.order-linked',
  version: 1,
  topic: TOPICS.customerEvents,
  aggregateType: 'order-link',
  payload: z.object({
    orderId: z.string().uuid(),
    site: z.string().min(1),
    customerId: z.string().uuid(),
    /** What the order pointed at before: a profile, or the (unknown) customer id the order named. */
    previousCustomerId: z.string().min(1).optional(),
    decision: z.enum(ORDER_LINK_DECISIONS),
    /** The match weight (log2 odds) of a `matched` or `created` decision against the best candidate. */
    weight: z.number().optional(),
    /** Possible duplicates filed for a manager with this decision. */
    suggestionIds: z.array(z.string().uuid()).optional(),
    /** The merge that moved the order (`merged`, `merge-undone`). */
    mergeId: z.string().uuid().optional(),
    actor: actorSchema,
  }),
});
export type CustomerOrderLinkedPayload = z.infer<typeof CustomerOrderLinkedV1.payload>;

/**
 * Profiles merged into a survivor (`customer`, after the merge), which now holds their contacts,
 * notes and orders; the merged profiles stay as tombstones pointing at it. `linkedOrderIds` are the
 * orders the customers service moved, each with its own customer.order-linked; consumers holding
 * other references to a merged profile move them to the survivor.
 */
export const CustomerMergedV1 = customerEvent('customer.merged', {
  mergeId: z.string().uuid(),
  survivorId: z.string().uuid(),
  mergedIds: z.array(z.string().uuid()).min(1),
  linkedOrderIds: z.array(z.string().uuid()),
});
export type CustomerMergedPayload = z.infer<typeof CustomerMergedV1.payload>;

/**
 * A merge undone: the survivor (`customer`) and the merged profiles (`restored`) are back as they
 * were before it, and the orders it moved point at their profiles again (`restoredOrders`, each with
 * its own customer.order-linked).
 */
export const CustomerMergeUndoneV1 = customerEvent('customer.merge-undone', {
  mergeId: z.string().uuid(),
  survivorId: z.string().uuid(),
  restored: z.array(customerSummarySchema).min(1),
  restoredOrders: z.array(z.object({ orderId: z.string().uuid(), customerId: z.string().uuid() })),
});
export type CustomerMergeUndonePayload = z.infer<typeof CustomerMergeUndoneV1.payload>;

export const CUSTOMER_EVENTS: readonly EventDefinition<unknown>[] = [
  CustomerCreatedV1,
  CustomerUpdatedV1,
  CustomerOrderLinkedV1,
  CustomerMergedV1,
  CustomerMergeUndoneV1,
  CorporateCustomerCreatedV1,
  CorporateCustomerUpdatedV1,
] as EventDefinition<unknown>[];
