import { LockMode, type EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError } from '@openretail/contracts';
import { recordEvents } from '@openretail/messaging';
import { recordHistory } from '../history/history-rows';
import type { PlannedCustomerChange } from '../profiles/customer-commands';
import { customerEventsOf } from '../profiles/customer-events';
import { columnsOf } from '../profiles/customer-rows';
import { Customer } from '../profiles/customer.entity';
import type { CustomerReferenceData } from '../reference-data/customer-reference-data';
import type { Caller } from '../shared/caller';
import { indexProfile } from './match-index';

/** The service itself acting: identity resolution at ingestion, merges of a deduplication job. */
export const SYSTEM_CALLER: Caller = { source: 'system', sites: 'all' };

/** A profile change's history entries and events, in the caller's transaction. */
export async function recordProfileChange(
  em: EntityManager,
  plan: PlannedCustomerChange,
  caller: Caller,
  version: number,
): Promise<void> {
  const { after } = plan;
  recordHistory(
    em,
    { id: after.id, site: after.site, kind: 'individual', version },
    plan.history,
    caller,
    after.updatedAt,
  );
  await recordEvents(em, customerEventsOf(plan, caller, version));
}

/** Stores a planned new profile with its history, its customer.created and its match keys. */
export async function insertProfile(
  em: EntityManager,
  plan: PlannedCustomerChange,
  caller: Caller,
  ref: CustomerReferenceData,
): Promise<Customer> {
  const row = em.create(Customer, {
    ...columnsOf(plan.after),
    id: plan.after.id,
    site: plan.after.site,
    createdAt: plan.after.createdAt,
    version: 1,
  } as Customer);
  await em.flush();
  await recordProfileChange(em, plan, caller, 1);
  await indexProfile(em, plan.after, ref);
  return row;
}

/** Stores a planned edit of a locked profile: new version, history, customer.updated, match keys. */
export async function updateProfile(
  em: EntityManager,
  row: Customer,
  plan: PlannedCustomerChange,
  caller: Caller,
  ref: CustomerReferenceData,
): Promise<void> {
  const version = row.version + 1;
  em.assign(row, { ...columnsOf(plan.after), version });
  await em.flush();
  await recordProfileChange(em, plan, caller, version);
  await indexProfile(em, plan.after, ref);
}

/**
 * The live profile an id stands for, locked: the profile itself, or the survivor it was merged into
 * (followed as far as merges go). Undefined when no such profile exists.
 */
export async function lockLiveProfile(em: EntityManager, id: string): Promise<Customer | undefined> {
  let row = await em.findOne(Customer, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  for (let hops = 0; row?.mergedInto && hops < 100; hops++) {
    row = await em.findOne(Customer, { id: row.mergedInto }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  }
  if (row?.mergedInto) throw new NotFoundError(`customer ${id} is merged in a loop`);
  return row ?? undefined;
}
