import type { OrderState } from '../orders/order-state';

/**
 * How a field path behaves in rules:
 * - text: a string (or a code); compared as is;
 * - money: a Money value; compared by its amount in minor units (the currency is the order's);
 * - list: a list of strings (tags, phones); `equals`/`in` match when any element matches;
 * - collection: items or payments; only set/empty, changed, read-only and required make sense;
 * - group: a nested object (customer, delivery...); covers every path under it;
 * - custom: a custom field value (string, number, boolean).
 */
export type FieldKind = 'text' | 'money' | 'list' | 'collection' | 'group' | 'custom';

/**
 * Every OrderState path a rule may name. System fields (id, createdAt, updatedAt, statusUpdatedAt)
 * are left out on purpose: the service sets them, so no rule can be about them.
 */
export const ORDER_FIELD_PATHS: Readonly<Record<string, FieldKind>> = {
  site: 'text',
  number: 'text',
  externalId: 'text',
  orderType: 'text',
  orderMethod: 'text',
  status: 'text',
  cancelReason: 'text',
  currency: 'text',
  customer: 'group',
  'customer.customerId': 'text',
  'customer.firstName': 'text',
  'customer.lastName': 'text',
  'customer.phones': 'list',
  'customer.email': 'text',
  contragent: 'group',
  'contragent.type': 'text',
  'contragent.legalName': 'text',
  'contragent.inn': 'text',
  'contragent.kpp': 'text',
  'contragent.ogrn': 'text',
  'contragent.legalAddress': 'text',
  'contragent.bank': 'text',
  'contragent.bik': 'text',
  'contragent.bankAccount': 'text',
  'contragent.corrAccount': 'text',
  items: 'collection',
  discount: 'money',
  delivery: 'group',
  'delivery.type': 'text',
  'delivery.carrier': 'text',
  'delivery.address': 'text',
  'delivery.cost': 'money',
  'delivery.netCost': 'money',
  'delivery.date': 'text',
  'delivery.timeFrom': 'text',
  'delivery.timeTo': 'text',
  'delivery.pickupPoint': 'text',
  payments: 'collection',
  managerId: 'text',
  customerComment: 'text',
  managerComment: 'text',
  tags: 'list',
  customFields: 'group',
};

const CUSTOM_FIELD_PATH = /^customFields\.([a-z0-9][a-z0-9_-]{0,63})$/;

/** The kind of a known path, or undefined for a path no rule may name. */
export function fieldKind(path: string): FieldKind | undefined {
  if (Object.hasOwn(ORDER_FIELD_PATHS, path)) return ORDER_FIELD_PATHS[path];
  return CUSTOM_FIELD_PATH.test(path) ? 'custom' : undefined;
}

/** The custom field code of a `customFields.<code>` path. */
export function customFieldCode(path: string): string | undefined {
  return CUSTOM_FIELD_PATH.exec(path)?.[1];
}

export type FieldReader = (order: OrderState) => unknown;

/** A reader for one path, built once: rules read fields on every command. */
export function fieldReader(path: string): FieldReader {
  const [head, tail] = splitPath(path);
  if (tail === undefined) return (order) => (order as unknown as Record<string, unknown>)[head];
  return (order) => {
    const parent = (order as unknown as Record<string, Record<string, unknown> | undefined>)[head];
    return parent?.[tail];
  };
}

// Known paths have at most two segments, and custom field codes cannot contain dots.
function splitPath(path: string): [string, string | undefined] {
  const dot = path.indexOf('.');
  return dot < 0 ? [path, undefined] : [path.slice(0, dot), path.slice(dot + 1)];
}

/** Set means present and not blank: null, undefined, '' (or whitespace) and [] are all empty. */
export function isSet(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/** Whether `changed` (a path of diffChangedFields) touches `path` (a path of a rule), in either direction. */
export function pathTouches(path: string, changed: string): boolean {
  return (
    changed === path ||
    (changed.length > path.length && changed.startsWith(path) && changed[path.length] === '.') ||
    (path.length > changed.length && path.startsWith(changed) && path[changed.length] === '.')
  );
}

const LEAF_READERS: ReadonlyArray<[string, FieldReader]> = Object.entries(ORDER_FIELD_PATHS)
  .filter(([, kind]) => kind !== 'group')
  .map(([path]) => [path, fieldReader(path)]);

/**
 * The paths a change touches, in the form rules use: leaf paths such as `delivery.date`, `items`,
 * `payments` (any difference in any item or payment) and `customFields.<code>`. Without `before`
 * (a new order) every set field counts as changed. A null custom field equals a missing one.
 */
export function diffChangedFields(before: OrderState | undefined, after: OrderState): string[] {
  const changed: string[] = [];
  for (const [path, read] of LEAF_READERS) {
    const next = read(after);
    if (before === undefined ? isSet(next) : !sameValue(read(before), next)) changed.push(path);
  }
  const previousCustom = before?.customFields ?? {};
  const codes = new Set([...Object.keys(previousCustom), ...Object.keys(after.customFields)]);
  for (const code of codes) {
    if (!sameValue(previousCustom[code], after.customFields[code])) changed.push(`customFields.${code}`);
  }
  return changed;
}

/** Structural equality over plain order data: dates by instant, null the same as undefined. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || a === null || b === undefined || b === null) return (a ?? null) === (b ?? null);
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]))
    );
  }
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) if (!sameValue(left[key], right[key])) return false;
  return true;
}
