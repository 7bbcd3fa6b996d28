import type { EntityManager } from '@mikro-orm/postgresql';
import type { Caller } from '../shared/caller';
import { CustomerHistoryEntry } from './customer-history.entity';
import type { HistoryChange } from './history';

export type CustomerKind = 'individual' | 'corporate';

/** Adds the history entries of one command to the unit of work of its transaction. */
export function recordHistory(
  em: EntityManager,
  target: { id: string; site: string; kind: CustomerKind; version: number },
  changes: readonly HistoryChange[],
  caller: Caller,
  at: Date,
): void {
  for (const change of changes) {
    em.create(CustomerHistoryEntry, {
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
    } as CustomerHistoryEntry);
  }
}
