import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError } from '@openretail/contracts';
import { recordEvents } from '@openretail/messaging';
import { executeBound } from '@openretail/persistence';
import { historyRows, insertHistory, recordHistory } from '../history/history-rows';
import type { PlannedCustomerChange } from '../profiles/customer-commands';
import { customerEventsOf } from '../profiles/customer-events';
import { columnsOf, readProfiles } from '../profiles/customer-rows';
import { Customer } from '../profiles/customer.entity';
import type { CustomerReferenceData } from '../reference-data/customer-reference-data';
import type { Caller } from '../shared/caller';
import { normaliseProfile, storeRecords } from './match-index';

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

/** A planned change of a profile and the version it makes (1 for a new profile). */
export interface ProfileChange {
  plan: PlannedCustomerChange;
  version: number;
}

/**
 * Stores planned changes of profiles, any number, a profile possibly changed more than once (made,
 * then edited), with a fixed number of statements: each profile's last state (new profiles
 * inserted, the others updated), every change's history entries in order, and the profiles' match
 * records and keys. Their events (customerEventsOf) are the caller's to record, with its own. The
 * profiles that exist must be locked by the caller's transaction.
 */
export async function storeProfileChanges(
  em: EntityManager,
  changes: readonly ProfileChange[],
  caller: Caller,
  ref: CustomerReferenceData,
): Promise<void> {
  if (changes.length === 0) return;
  const last = new Map<string, ProfileChange & { made: boolean }>();
  for (const change of changes) {
    const made = last.get(change.plan.after.id)?.made ?? !change.plan.before;
    last.set(change.plan.after.id, { ...change, made });
  }
  const profiles = [...last.values()];
  const rows = (made: boolean) =>
    profiles
      .filter((p) => p.made === made)
      .map(({ plan: { after }, version }) => ({
        ...columnsOf(after),
        id: after.id,
        version,
        ...(made ? { site: after.site, createdAt: after.createdAt } : {}),
      }));
  await writeCustomerRows(em, 'insert', rows(true));
  await writeCustomerRows(em, 'update', rows(false));
  await insertHistory(
    em,
    changes.flatMap(({ plan, version }) =>
      historyRows(
        { id: plan.after.id, site: plan.after.site, kind: 'individual', version },
        plan.history,
        caller,
        plan.after.updatedAt,
      ),
    ),
  );
  await storeRecords(
    em,
    profiles.map((p) => normaliseProfile(p.plan.after, ref)),
  );
}

/** Customers rows by property, all with the same properties: inserted, or updated by id. */
async function writeCustomerRows(
  em: EntityManager,
  how: 'insert' | 'update',
  rows: readonly Partial<Customer>[],
): Promise<void> {
  if (rows.length === 0) return;
  const meta = em.getMetadata().get(Customer.name);
  const columns = Object.keys(rows[0]).map((name) => {
    const prop = meta.properties[name as keyof Customer];
    return { name, column: `"${prop.fieldNames[0]}"`, type: prop.columnTypes[0] };
  });
  const list = columns.map((c) => c.column).join(', ');
  const recordset = `jsonb_to_recordset(?::jsonb) as v(${columns.map((c) => `${c.column} ${c.type}`).join(', ')})`;
  const param = JSON.stringify(
    rows.map((row) =>
      Object.fromEntries(columns.map((c) => [c.column.slice(1, -1), row[c.name as keyof Customer] ?? null])),
    ),
  );
  await executeBound(
    em,
    how === 'insert'
      ? `insert into customers (${list}) select ${list} from ${recordset}`
      : `update customers c set ${columns
          .filter((c) => c.name !== 'id')
          .map((c) => `${c.column} = v.${c.column}`)
          .join(', ')} from ${recordset} where c.id = v.id`,
    [param],
  );
}

/**
 * The live profiles ids stand for, locked, by id: each profile itself, or the survivor it was
 * merged into (followed as far as merges go); ids of no profile are left out. One query per hop of
 * merges, rows locked in id order; the rows are read outside the unit of work (callers write them
 * with SQL).
 */
export async function lockLiveProfiles(
  em: EntityManager,
  ids: readonly string[],
): Promise<Map<string, Customer>> {
  const rows = new Map<string, Customer>();
  let wanted = [...new Set(ids)];
  for (let hops = 0; wanted.length > 0 && hops <= 100; hops++) {
    const found = [...(await readProfiles(em, wanted, true)).values()];
    for (const row of found) rows.set(row.id, row);
    wanted = [
      ...new Set(found.flatMap((r) => (r.mergedInto && !rows.has(r.mergedInto) ? [r.mergedInto] : []))),
    ];
  }
  const live = new Map<string, Customer>();
  for (const id of ids) {
    let row = rows.get(id);
    for (let hops = 0; row?.mergedInto && hops < 100; hops++) row = rows.get(row.mergedInto);
    if (row?.mergedInto) throw new NotFoundError(`customer ${id} is merged in a loop`);
    if (row) live.set(id, row);
  }
  return live;
}

/** The live profile an id stands for, locked (see lockLiveProfiles); undefined when no such profile exists. */
export async function lockLiveProfile(em: EntityManager, id: string): Promise<Customer | undefined> {
  return (await lockLiveProfiles(em, [id])).get(id);
}
