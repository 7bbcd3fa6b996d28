import { ValidationError } from '@openretail/contracts';

/** A value as history stores it: plain JSON (dates as ISO strings). */
export type HistoryValue =
  null | boolean | number | string | HistoryValue[] | { [key: string]: HistoryValue };

/** One changed field of a customer; null stands for "not set". */
export interface HistoryChange {
  field: string;
  oldValue: HistoryValue;
  newValue: HistoryValue;
}

/** The field of the single entry recording a customer's creation. */
export const CREATED_FIELD = 'created';

/** How the members of a customer state are compared; members not named are single values. */
export interface DiffShape {
  /** Lists of records keyed by a member: `addresses[<id>].city`; an added or removed record is one entry. */
  keyed?: Record<string, string>;
  /** Lists that are sets: `tags[<tag>]` from null when added, to null when removed. */
  sets?: readonly string[];
  /** Maps compared member by member, each member one value: `customFields.<code>`, `consent.sms`. */
  maps?: readonly string[];
  /** Members that are never history (updatedAt). */
  ignore?: readonly string[];
}

/** The single entry recording a creation: the whole state, so history stays compact until the first edit. */
export function createdEntry(after: object, shape: DiffShape): HistoryChange {
  const ignored = new Set(shape.ignore ?? []);
  const state = Object.fromEntries(Object.entries(after).filter(([k]) => !ignored.has(k)));
  return { field: CREATED_FIELD, oldValue: null, newValue: toHistoryValue(state) };
}

/**
 * What changed between two states, as entries sorted by field path. Phones, emails and other lists
 * not named in the shape are one value whose order matters (the first is the main one). Throws a
 * ValidationError when two records of a keyed list share a key: their history could not be told apart.
 */
export function diffStates<T extends object>(before: T, after: T, shape: DiffShape): HistoryChange[] {
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  const ignored = new Set(shape.ignore ?? []);
  const changes: HistoryChange[] = [];
  for (const field of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (ignored.has(field)) continue;
    const key = shape.keyed?.[field];
    if (key) changes.push(...diffKeyed(field, key, listOf(b[field]), listOf(a[field])));
    else if (shape.sets?.includes(field))
      changes.push(...diffValues(setOf(field, b[field]), setOf(field, a[field])));
    else if (shape.maps?.includes(field))
      changes.push(...diffValues(mapOf(field, b[field]), mapOf(field, a[field])));
    else
      changes.push(
        ...diffValues(
          new Map([[field, toHistoryValue(b[field])]]),
          new Map([[field, toHistoryValue(a[field])]]),
        ),
      );
  }
  // By UTF-16 code units, not locale: the same order on every machine.
  return changes.sort((x, y) => (x.field < y.field ? -1 : x.field > y.field ? 1 : 0));
}

function listOf(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
}

function diffKeyed(
  collection: string,
  key: string,
  before: Record<string, unknown>[],
  after: Record<string, unknown>[],
): HistoryChange[] {
  const old = byKey(collection, key, before);
  const next = byKey(collection, key, after);
  const changes: HistoryChange[] = [];
  for (const [id, record] of old) {
    const path = `${collection}[${id}]`;
    const updated = next.get(id);
    if (updated) changes.push(...diffValues(mapOf(path, record, key), mapOf(path, updated, key)));
    else changes.push({ field: path, oldValue: toHistoryValue(record), newValue: null });
  }
  for (const [id, record] of next) {
    if (!old.has(id))
      changes.push({ field: `${collection}[${id}]`, oldValue: null, newValue: toHistoryValue(record) });
  }
  return changes;
}

function byKey(collection: string, key: string, list: Record<string, unknown>[]) {
  const map = new Map<string, Record<string, unknown>>();
  list.forEach((record, i) => {
    const id = String(record[key]);
    if (map.has(id))
      throw ValidationError.field(`${collection}[${i}].${key}`, `duplicates another ${key} (${id})`);
    map.set(id, record);
  });
  return map;
}

function setOf(field: string, value: unknown): Map<string, HistoryValue> {
  return new Map((Array.isArray(value) ? (value as string[]) : []).map((v) => [`${field}[${v}]`, v]));
}

/** The members of an object by `prefix.member`, each one value; `skip` is left out. */
function mapOf(prefix: string, value: unknown, skip?: string): Map<string, HistoryValue> {
  const entries = value && typeof value === 'object' ? Object.entries(value) : [];
  return new Map(
    entries
      .filter(([k, v]) => k !== skip && v !== undefined)
      .map(([k, v]) => [`${prefix}.${k}`, toHistoryValue(v)]),
  );
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

/** JSON for storage: dates as ISO strings, keys sorted so equal values serialise equally. */
export function toHistoryValue(value: unknown): HistoryValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toHistoryValue);
  if (typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => [k, toHistoryValue(v)]);
    return Object.fromEntries(entries) as { [key: string]: HistoryValue };
  }
  // JSON has no NaN or Infinity.
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  throw new TypeError(`cannot keep a ${typeof value} in customer history`);
}
