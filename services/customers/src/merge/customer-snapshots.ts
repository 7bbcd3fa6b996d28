import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer } from '../profiles/customer.entity';

/**
 * A profile row as plain JSON, every column by property name (times as ISO strings): what a merge
 * keeps to put the row back exactly. Its lists and maps are the row's own: the merge stores it
 * before anything changes them.
 */
export function snapshotOf(em: EntityManager, row: Customer): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const prop of em.getMetadata().get(Customer.name).props) {
    const value = (row as unknown as Record<string, unknown>)[prop.name];
    out[prop.name] = value instanceof Date ? value.toISOString() : (value ?? null);
  }
  return out;
}

/** The values of a snapshot to assign to the row again (all but the id), times as dates. */
export function valuesOfSnapshot(em: EntityManager, snapshot: Record<string, unknown>): Partial<Customer> {
  const out: Record<string, unknown> = {};
  for (const prop of em.getMetadata().get(Customer.name).props) {
    if (prop.primary) continue;
    const value = snapshot[prop.name];
    out[prop.name] = prop.runtimeType === 'Date' && typeof value === 'string' ? new Date(value) : value;
  }
  return structuredClone(out) as Partial<Customer>;
}
