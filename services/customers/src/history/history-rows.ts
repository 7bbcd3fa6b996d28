import type { EntityManager } from '@mikro-orm/postgresql';
import { insertRecordset } from '@openretail/persistence';
import type { Caller } from '../shared/caller';
import { CustomerHistoryEntry } from './customer-history.entity';
import type { HistoryChange } from './history';

export type CustomerKind = 'individual' | 'corporate';

/** A history entry to store: the entity's columns but its id. */
export type HistoryRow = Omit<CustomerHistoryEntry, 'id'>;

/** The history entries of one command, as rows. */
export function historyRows(
  target: { id: string; site: string; kind: CustomerKind; version: number },
  changes: readonly HistoryChange[],
  caller: Caller,
  at: Date,
): HistoryRow[] {
  return changes.map((change) => ({
    customerId: target.id,
    customerKind: target.kind,
    site: target.site,
    field: change.field,
    oldValue: change.oldValue,
    newValue: change.newValue,
    userId: caller.userId,
    source: caller.source,
    apiKeyId: caller.apiKeyId,
    customerVersion: target.version,
    at,
  }));
}

/** Adds the history entries of one command to the unit of work of its transaction. */
export function recordHistory(
  em: EntityManager,
  target: { id: string; site: string; kind: CustomerKind; version: number },
  changes: readonly HistoryChange[],
  caller: Caller,
  at: Date,
): void {
  for (const row of historyRows(target, changes, caller, at)) {
    em.create(CustomerHistoryEntry, row as CustomerHistoryEntry);
  }
}

/** History entries of any number of commands in one statement, in the order given (their ids grow in it). */
export async function insertHistory(em: EntityManager, rows: readonly HistoryRow[]): Promise<void> {
  await insertRecordset(em, 'customer_history', HISTORY_COLUMNS, rows);
}

const HISTORY_COLUMNS = {
  customer_id: 'uuid',
  customer_kind: 'text',
  site: 'text',
  field: 'text',
  old_value: 'jsonb',
  new_value: 'jsonb',
  user_id: 'text',
  source: 'text',
  api_key_id: 'text',
  customer_version: 'bigint',
  at: 'timestamptz',
};
