import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer } from '../profiles/customer.entity';

/**
 * A profile row as plain JSON, every column by property name (times as ISO strings): what a merge
 * keeps of its survivor to put the row back exactly. Its lists and maps are the row's own: the
 * merge stores it before anything changes them.
 */
export function snapshotOf(em: EntityManager, row: Customer): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const prop of em.getMetadata().get(Customer.name).props) {
    const value = (row as unknown as Record<string, unknown>)[prop.name];
    out[prop.name] = value instanceof Date ? value.toISOString() : (value ?? null);
  }
  return out;
}

/**
 * What a merge keeps of a profile it merges away: the columns the merge changes on it. The rest of
 * a tombstone stays as it was (tombstones are not edited, and the undo recomputes the metrics), so
 * a merge record carries one row in full, not every profile's: a job's hundreds of thousands of
 * records stay small.
 */
export function tombstoneSnapshotOf(row: Customer): Record<string, unknown> {
  return { id: row.id, externalId: row.externalId ?? null, mergedInto: null };
}

/**
 * The values of a snapshot to assign to the row again (all it holds but the id), times as dates.
 * A survivor's snapshot holds every column, a tombstone's the few a merge changed.
 */
export function valuesOfSnapshot(em: EntityManager, snapshot: Record<string, unknown>): Partial<Customer> {
  const out: Record<string, unknown> = {};
  for (const prop of em.getMetadata().get(Customer.name).props) {
    if (prop.primary || !(prop.name in snapshot)) continue;
    const value = snapshot[prop.name];
    out[prop.name] = prop.runtimeType === 'Date' && typeof value === 'string' ? new Date(value) : value;
  }
  return structuredClone(out) as Partial<Customer>;
}
