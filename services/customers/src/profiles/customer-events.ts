import {
  CustomerCreatedV1,
  CustomerUpdatedV1,
  type CustomerSummary,
  type EventDefinition,
  type EventEnvelope,
} from '@openretail/contracts';
import type { Caller } from '../shared/caller';
import type { PlannedCustomerChange } from './customer-commands';
import { emailKey, type CustomerState } from './customer-state';

export interface OutgoingEvent {
  definition: EventDefinition<unknown>;
  envelope: EventEnvelope;
}

export const EVENT_SOURCE = 'customers';

export function customerSummary(c: CustomerState, version: number): CustomerSummary {
  return {
    customerId: c.id,
    site: c.site,
    ...(c.externalId ? { externalId: c.externalId } : {}),
    ...(c.firstName ? { firstName: c.firstName } : {}),
    ...(c.lastName ? { lastName: c.lastName } : {}),
    ...(c.patronymic ? { patronymic: c.patronymic } : {}),
    phones: c.phones.flatMap((p) => (p.e164 ? [p.e164] : [])),
    emails: c.emails.map(emailKey),
    tags: c.tags,
    vip: c.vip,
    ...(c.managerId ? { managerId: c.managerId } : {}),
    consent: Object.fromEntries(
      Object.entries(c.consent).map(([channel, { status, at }]) => [channel, { status, at }]),
    ),
    version,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function actorOf(caller: Caller) {
  return { ...(caller.userId ? { userId: caller.userId } : {}), source: caller.source };
}

/** customer.created for a new profile, customer.updated with the changed history paths for an edit. */
export function customerEventsOf(
  plan: PlannedCustomerChange,
  caller: Caller,
  version: number,
): OutgoingEvent[] {
  const customer = customerSummary(plan.after, version);
  const meta = { source: EVENT_SOURCE, aggregateId: plan.after.id, occurredAt: plan.after.updatedAt };
  const envelope = plan.before
    ? CustomerUpdatedV1.create(
        { customer, actor: actorOf(caller), changedFields: plan.history.map((h) => h.field) },
        meta,
      )
    : CustomerCreatedV1.create({ customer, actor: actorOf(caller) }, meta);
  return [
    {
      definition: (plan.before ? CustomerUpdatedV1 : CustomerCreatedV1) as EventDefinition<unknown>,
      envelope,
    },
  ];
}
