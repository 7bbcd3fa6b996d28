import { ValidationError } from '@openretail/contracts';
import type { Actor, OrderState } from '../orders/order-state';

/** A value as history stores it: plain JSON (dates as ISO strings, money as {amountMinor, currency}). */
export type HistoryValue =
  null | boolean | number | string | HistoryValue[] | { [key: string]: HistoryValue };

/** One changed field of an order; null stands for "not set". */
export interface HistoryChange {
  field: string;
  oldValue: HistoryValue;
  newValue: HistoryValue;
}

/** A change as it is kept: the caller adds who made it, from where (`actor.source`) and when. */
export interface HistoryEntry extends HistoryChange {
  actor: Actor;
  at: Date;
}

/** The field of the single entry recording an order's creation. */
export const CREATED_FIELD = 'created';

/**
 * What changed between two states of an order, as entries sorted by field path.
 *
 * - Creation (`before` undefined) is one `created` entry whose new value is the whole order: the
 *   history stays compact, and per-field entries start with the first edit.
 * - Scalars and nested objects by dotted path: `status`, `managerId`, `delivery.date`,
 *   `contragent.type`, `customer.email`, `customFields.<code>`. Adding or removing `delivery` shows
 *   as one entry per delivery field.
 * - Money (`discount`, `delivery.cost`, `items[<id>].unitPrice`, …) is one value {amountMinor, currency}.
 * - `customer.phones` is one value: its order matters (the first phone is the main one).
 * - Items and payments by id: `items[<id>].quantity`, `payments[<id>].status`; an added one is
 *   `items[<id>]` from null to the whole item, a removed one from the whole item to null. Moving a
 *   line within the list is not a change.
 * - Tags are a set: `tags[<tag>]` from null to the tag when added, from the tag to null when removed.
 * - `updatedAt` is never a change; `statusUpdatedAt` only together with a status change.
 *
 * Throws a ValidationError when two items or two payments share an id: their history could not
 * be told apart.
 */
export function diffOrder(before: OrderState | undefined, after: OrderState): HistoryChange[] {
  if (!before) {
    const { updatedAt: _updatedAt, ...created } = after;
    return [{ field: CREATED_FIELD, oldValue: null, newValue: toHistoryValue(created) }];
  }
  const changes = [
    ...diffValues(
      fieldsOf(before, before.status === after.status),
      fieldsOf(after, before.status === after.status),
    ),
    ...diffById('items', before.items, after.items),
    ...diffById('payments', before.payments, after.payments),
    ...diffValues(tagsOf(before.tags), tagsOf(after.tags)),
  ];
  // By UTF-16 code units, not locale: the same order on every machine.
  return changes.sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
}

/** The order's own fields by path; collections are diffed by key separately. */
function fieldsOf(order: OrderState, statusUnchanged: boolean): Map<string, HistoryValue> {
  const {
    items: _items,
    payments: _payments,
    tags: _tags,
    updatedAt: _updatedAt,
    statusUpdatedAt,
    ...fields
  } = order;
  return flatten(statusUnchanged ? fields : { ...fields, statusUpdatedAt });
}

function diffById<T extends { id: string }>(collection: string, before: T[], after: T[]): HistoryChange[] {
  const old = byId(collection, before);
  const next = byId(collection, after);
  const changes: HistoryChange[] = [];
  for (const [id, item] of old) {
    const path = `${collection}[${id}]`;
    const updated = next.get(id);
    if (updated)
      changes.push(...diffValues(flatten(withoutId(item), path), flatten(withoutId(updated), path)));
    else changes.push({ field: path, oldValue: toHistoryValue(item), newValue: null });
  }
  for (const [id, item] of next) {
    if (!old.has(id))
      changes.push({ field: `${collection}[${id}]`, oldValue: null, newValue: toHistoryValue(item) });
  }
  return changes;
}

function byId<T extends { id: string }>(collection: string, list: T[]): Map<string, T> {
  const map = new Map<string, T>();
  list.forEach((entry, i) => {
    if (map.has(entry.id))
      throw ValidationError.field(`${collection}[${i}].id`, `duplicates another id (${entry.id})`);
    map.set(entry.id, entry);
  });
  return map;
}

function withoutId<T extends { id: string }>(entry: T): Omit<T, 'id'> {
  const { id: _id, ...rest } = entry;
  return rest;
}

function tagsOf(tags: string[]): Map<string, HistoryValue> {
  return new Map(tags.map((tag) => [`tags[${tag}]`, tag]));
}

/** One change per path whose value differs; a path missing on one side is null there. */
function diffValues(before: Map<string, HistoryValue>, after: Map<string, HistoryValue>): HistoryChange[] {
  const changes: HistoryChange[] = [];
  for (const field of new Set([...before.keys(), ...after.keys()])) {
    const oldValue = before.get(field) ?? null;
    const newValue = after.get(field) ?? null;
    if (JSON.stringify(oldValue) !== JSON.stringify(newValue)) changes.push({ field, oldValue, newValue });
  }
  return changes;
}

/**
 * Leaves by dotted path. Plain objects are walked into, except money, which is one value; arrays
 * and dates are leaves. Unset (undefined) fields are absent.
 */
function flatten(
  value: object,
  prefix = '',
  out = new Map<string, HistoryValue>(),
): Map<string, HistoryValue> {
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(child) && !isMoney(child)) flatten(child, path, out);
    else out.set(path, toHistoryValue(child));
  }
  return out;
}

/** JSON for storage: dates as ISO strings, keys sorted so equal values serialise equally. */
function toHistoryValue(value: unknown): HistoryValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toHistoryValue);
  if (isPlainObject(value) && isMoney(value))
    return { amountMinor: value.amountMinor, currency: value.currency };
  if (typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => [k, toHistoryValue(v)]);
    return Object.fromEntries(entries) as { [key: string]: HistoryValue };
  }
  // JSON has no NaN or Infinity; JSON.stringify would write null for them too.
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  throw new TypeError(`cannot keep a ${typeof value} in order history`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** Money, possibly carrying more (an ORM embeddable): only amount and currency are history. */
function isMoney(value: Record<string, unknown>): value is { amountMinor: number; currency: string } {
  return typeof value.amountMinor === 'number' && typeof value.currency === 'string';
}
