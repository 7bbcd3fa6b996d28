import type { EntityManager } from '@mikro-orm/postgresql';
import { newId, PreconditionError, ValidationError } from '@openretail/contracts';
import { diffStates, type HistoryChange } from '../history/history';
import { stateOf } from '../profiles/customer-rows';
import { CUSTOMER_DIFF, type CustomerState } from '../profiles/customer-state';
import type { Customer } from '../profiles/customer.entity';
import type { MergeOrigin } from './customer-merge.entity';
import { snapshotOf, tombstoneSnapshotOf } from './customer-snapshots';
import { droppedNote, mergeProfiles, type MergeOutcome } from './merge-rules';

/** The most profiles one merge takes. */
export const MAX_MERGE_SIZE = 100;

/** What a merge is for, as its record keeps it. */
export interface MergeIntent {
  origin: MergeOrigin;
  suggestionId?: string;
  jobId?: string;
}

/** A merged profile as the merge leaves it: a tombstone pointing at the survivor. */
export interface TombstonePlan {
  id: string;
  version: number;
  /** The survivor takes its externalId (it had none), so the tombstone gives it up. */
  clearExternalId: boolean;
  changes: HistoryChange[];
}

/**
 * Everything a merge decides before it touches the database: the survivor's new state by the
 * merge rules, the tombstones, the history of every profile, the rows as they were (for the undo)
 * and the note of what did not fit. The per-request merge and the deduplication job's chunks both
 * plan with it and write with writeMerges.
 */
export interface MergePlan extends MergeIntent {
  id: string;
  site: string;
  survivorId: string;
  /** Oldest first: the order their values fill the survivor's gaps. */
  mergedIds: string[];
  before: CustomerState;
  outcome: MergeOutcome;
  survivorVersion: number;
  /** The survivor's history entries but the merge's own (which counts what was moved). */
  changes: HistoryChange[];
  tombstones: TombstonePlan[];
  /** What the undo puts back of each profile, survivor first (customer-snapshots). */
  snapshotCustomers: Record<string, unknown>[];
  /** What did not fit the survivor's limits, as the text of a note on it. */
  note?: string;
  at: Date;
}

/** Refuses profiles that cannot be merged together: too many, of different sites, or merged already. */
export function checkMergeable(rows: readonly Customer[]): void {
  if (rows.length > MAX_MERGE_SIZE) {
    throw ValidationError.field('customerIds', `at most ${MAX_MERGE_SIZE} customers are merged at once`);
  }
  if (new Set(rows.map((r) => r.site)).size > 1)
    throw ValidationError.field('customerIds', 'customers of different sites cannot be merged');
  for (const row of rows) {
    if (row.mergedInto) {
      throw new PreconditionError(`customer ${row.id} was merged into ${row.mergedInto} already`);
    }
  }
}

/** The default survivor: the oldest profile (by creation, then id). */
export function oldest(rows: readonly Customer[]): Customer {
  return [...rows].sort(byAge)[0];
}

function byAge(x: Customer, y: Customer): number {
  return x.createdAt.getTime() - y.createdAt.getTime() || (x.id < y.id ? -1 : 1);
}

/**
 * Plans the merge of live profiles of one site into `survivor` (one of `rows`; the caller checked
 * them). The others are merged oldest first.
 */
export function planMerge(
  em: EntityManager,
  rows: readonly Customer[],
  survivor: Customer,
  intent: MergeIntent,
  now: Date,
): MergePlan {
  const merged = rows.filter((r) => r !== survivor).sort(byAge);
  const mergedIds = merged.map((r) => r.id);
  const before = stateOf(survivor);
  const outcome = mergeProfiles({ survivor: before, others: merged.map(stateOf) }, now);
  const tombstones = merged.map((row): TombstonePlan => {
    // A tombstone's profile changes in nothing but the externalId it may give up.
    const clearExternalId = outcome.externalIdFrom === row.id;
    return {
      id: row.id,
      version: row.version + 1,
      clearExternalId,
      changes: [
        ...(clearExternalId ? [{ field: 'externalId', oldValue: row.externalId!, newValue: null }] : []),
        { field: 'mergedInto', oldValue: null, newValue: survivor.id },
      ],
    };
  });
  const note = droppedNote(outcome.dropped, mergedIds);
  return {
    id: newId(),
    site: survivor.site,
    ...intent,
    survivorId: survivor.id,
    mergedIds,
    before,
    outcome,
    survivorVersion: survivor.version + 1,
    changes: diffStates(before, outcome.after, CUSTOMER_DIFF),
    tombstones,
    snapshotCustomers: [snapshotOf(em, survivor), ...merged.map(tombstoneSnapshotOf)],
    ...(note ? { note } : {}),
    at: now,
  };
}
