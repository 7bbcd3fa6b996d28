import type { AddressJson, CustomerJson, PhoneJson } from '@openretail/contracts';
import { formatCrmDateTime } from '../wire/dates';
import { dropUndefined, idValue, isObject, type CrmObject } from '../wire/values';
import {
  addressToCrm,
  customerRefToCrm,
  customerToCrm,
  type CustomerMappingContext,
} from './customer-mapping';

/** A customer history entry as the customers service gives it (values parsed from their JSON). */
export interface CustomerHistoryEntry {
  id: number;
  customerId: string;
  site: string;
  field: string;
  oldValue: unknown;
  newValue: unknown;
  userId?: string;
  source: string;
  /** The API key the change was made with, if one was. */
  apiKeyId?: string;
  at: Date;
}

export interface CustomerHistoryContext extends CustomerMappingContext {
  /** The API key of the request: the entries it made are `apiKey.current`. */
  apiKeyId: string;
}

/** The customers an entry names, by the platform's id: its own, and the survivor of a merge. */
export type CustomersById = ReadonlyMap<string, CustomerJson>;

/** Where a change came from, in RetailCRM's words: a person is a `user`, the platform itself `code`. */
const SOURCES: Record<string, string> = {
  api: 'api',
  manager: 'user',
  trigger: 'rule',
  import: 'api',
  integration: 'api',
  system: 'code',
};

/** Plain customer fields by their RetailCRM history names. */
const FIELDS: Record<string, string> = {
  externalId: 'external_id',
  firstName: 'first_name',
  lastName: 'last_name',
  patronymic: 'patronymic',
  birthday: 'birthday',
  sex: 'sex',
  vip: 'vip',
  managerId: 'manager',
  emails: 'email',
  phones: 'phones',
};

/** Address members by their RetailCRM names, after `address.`. */
const ADDRESS_FIELDS: Record<string, string> = {
  postcode: 'index',
  country: 'country_iso',
  main: 'is_main',
};

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * A list change as RetailCRM records it: one phone added is its number as newValue, one removed its
 * number as oldValue; other changes (several at once, a reorder) give both lists of numbers.
 */
function phonesChange(oldValue: unknown, newValue: unknown): { oldValue: unknown; newValue: unknown } {
  const numbers = (v: unknown) =>
    Array.isArray(v)
      ? (v as (PhoneJson | string)[]).map((p) => (isObject(p) ? String(p.number) : String(p)))
      : [];
  const before = numbers(oldValue);
  const after = numbers(newValue);
  const added = after.filter((n) => !before.includes(n));
  const removed = before.filter((n) => !after.includes(n));
  if (added.length === 1 && removed.length === 0) return { oldValue: null, newValue: added[0] };
  if (removed.length === 1 && added.length === 0) return { oldValue: removed[0], newValue: null };
  return { oldValue: before, newValue: after };
}

/**
 * One platform history entry of an individual customer in RetailCRM's shape: `id`, `createdAt`,
 * `source`, `user`, `field`, `oldValue`, `newValue` and the `customer` it is about ({id,
 * externalId, site}; the whole customer for its creation, with `created: true`). A customer merged
 * into another is `deleted: true` with `combinedTo`, as RetailCRM's combine records it. An entry an
 * API key made says whether it is the key reading (`apiKey.current`): CMS modules skip their own.
 */
export function customerHistoryEntryToCrm(
  entry: CustomerHistoryEntry,
  customers: CustomersById,
  ctx: CustomerHistoryContext,
): CrmObject {
  const current = customers.get(entry.customerId);
  const ref = customerRefToCrm({
    numericId: current?.numericId,
    externalId: current?.externalId,
    site: entry.site,
  });
  const base: CrmObject = {
    id: entry.id,
    createdAt: formatCrmDateTime(entry.at, ctx.timeZone),
    source: SOURCES[entry.source] ?? 'api',
    ...(entry.userId ? { user: { id: idValue(entry.userId) } } : {}),
    ...(entry.apiKeyId ? { apiKey: { current: entry.apiKeyId === ctx.apiKeyId } } : {}),
  };
  if (entry.field === 'created') {
    // The customer as it was created, with the ids it has now.
    const created = {
      ...(entry.newValue as CustomerJson),
      numericId: current?.numericId,
      externalId: current?.externalId,
      site: entry.site,
    };
    return {
      ...base,
      created: true,
      field: 'id',
      oldValue: null,
      newValue: ref.id ?? null,
      customer: customerToCrm(created, ctx),
    };
  }
  if (entry.field === 'mergedInto' && typeof entry.newValue === 'string') {
    const survivor = customers.get(entry.newValue);
    return {
      ...base,
      deleted: true,
      field: 'id',
      oldValue: ref.id ?? null,
      newValue: null,
      customer: current ? customerToCrm(current, ctx) : ref,
      ...(survivor ? { combinedTo: customerRefToCrm(survivor) } : {}),
    };
  }
  const address = /^addresses\[([^\]]+)\](?:\.(.+))?$/.exec(entry.field);
  if (address) {
    const [, id, member] = address;
    const whole = (v: unknown) => (isObject(v) ? addressToCrm({ ...(v as AddressJson), id }) : null);
    const main = current?.addresses?.find((a) => a.id === id)?.main ?? false;
    return {
      ...base,
      field: member ? `address.${ADDRESS_FIELDS[member] ?? snake(member)}` : 'address',
      oldValue: member ? (entry.oldValue ?? null) : whole(entry.oldValue),
      newValue: member ? (entry.newValue ?? null) : whole(entry.newValue),
      address: { id, isMain: main },
      customer: ref,
    };
  }
  const tag = /^tags\[(.+)\]$/.exec(entry.field);
  const customField = /^customFields\.(.+)$/.exec(entry.field);
  const consent = /^consent\.(.+)$/.exec(entry.field);
  const note = /^notes\[(.+)\]$/.exec(entry.field);
  let field: string;
  let oldValue: unknown = entry.oldValue ?? null;
  let newValue: unknown = entry.newValue ?? null;
  if (tag) {
    field = 'tags';
    oldValue = oldValue === null ? null : { name: tag[1] };
    newValue = newValue === null ? null : { name: tag[1] };
  } else if (customField) {
    field = customField[1];
  } else if (consent) {
    field = consent[1] === 'email' ? 'email_marketing_unsubscribed_at' : `subscription.${consent[1]}`;
    const denialTime = (v: unknown) =>
      isObject(v) && v.status === 'denied' && typeof v.at === 'string'
        ? formatCrmDateTime(v.at, ctx.timeZone)
        : null;
    const subscribed = (v: unknown) => (isObject(v) && v.status ? v.status === 'granted' : null);
    const value = consent[1] === 'email' ? denialTime : subscribed;
    oldValue = value(oldValue);
    newValue = value(newValue);
  } else if (note) {
    field = 'note';
    const withId = (v: unknown) => (isObject(v) ? { id: note[1], text: v.text } : null);
    oldValue = withId(oldValue);
    newValue = withId(newValue);
  } else {
    field = FIELDS[entry.field] ?? entry.field.split('.').map(snake).join('.');
    if (field === 'phones') ({ oldValue, newValue } = phonesChange(oldValue, newValue));
    if (field === 'email') {
      oldValue = Array.isArray(oldValue) ? (oldValue[0] ?? null) : oldValue;
      newValue = Array.isArray(newValue) ? (newValue[0] ?? null) : newValue;
    }
    if (field === 'manager') {
      oldValue = oldValue === null ? null : { id: idValue(String(oldValue)) };
      newValue = newValue === null ? null : { id: idValue(String(newValue)) };
    }
  }
  return dropUndefined({ ...base, field, oldValue, newValue, customer: ref });
}
