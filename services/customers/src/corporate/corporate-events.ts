import {
  CorporateCustomerCreatedV1,
  CorporateCustomerUpdatedV1,
  type CorporateCustomerSummary,
  type EventDefinition,
} from '@openretail/contracts';
import { EVENT_SOURCE, actorOf, type OutgoingEvent } from '../profiles/customer-events';
import type { Caller } from '../shared/caller';
import type { PlannedCorporateChange } from './corporate-commands';
import type { CorporateState } from './corporate-state';

export function corporateSummary(c: CorporateState, version: number): CorporateCustomerSummary {
  return {
    corporateCustomerId: c.id,
    site: c.site,
    ...(c.externalId ? { externalId: c.externalId } : {}),
    name: c.name,
    companies: c.companies.map((co) => ({
      id: co.id,
      name: co.name,
      ...(co.inn ? { inn: co.inn } : {}),
      main: co.main,
    })),
    contacts: c.contacts.map((ct) => ({
      customerId: ct.customerId,
      ...(ct.role ? { role: ct.role } : {}),
      main: ct.main,
    })),
    tags: c.tags,
    vip: c.vip,
    ...(c.managerId ? { managerId: c.managerId } : {}),
    version,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/** corporate.created for a new corporate customer, corporate.updated with the changed history paths otherwise. */
export function corporateEventsOf(
  plan: PlannedCorporateChange,
  caller: Caller,
  version: number,
): OutgoingEvent[] {
  const corporateCustomer = corporateSummary(plan.after, version);
  const meta = { source: EVENT_SOURCE, aggregateId: plan.after.id, occurredAt: plan.after.updatedAt };
  if (!plan.before) {
    return [
      {
        definition: CorporateCustomerCreatedV1 as EventDefinition<unknown>,
        envelope: CorporateCustomerCreatedV1.create({ corporateCustomer, actor: actorOf(caller) }, meta),
      },
    ];
  }
  return [
    {
      definition: CorporateCustomerUpdatedV1 as EventDefinition<unknown>,
      envelope: CorporateCustomerUpdatedV1.create(
        { corporateCustomer, actor: actorOf(caller), changedFields: plan.history.map((h) => h.field) },
        meta,
      ),
    },
  ];
}
