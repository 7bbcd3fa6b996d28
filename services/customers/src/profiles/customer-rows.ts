import { BigIntType, LockMode, type EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError } from '@openretail/contracts';
import { executeBound } from '@openretail/persistence';
import { canAccessSite, type Caller } from '../shared/caller';
import { describeKey, whereKey, type CustomerKey } from '../shared/customer-key';
import { dropUndefined } from '../shared/field-paths';
import { Customer } from './customer.entity';
import { emailKey, searchKey, type CustomerState, type CustomerView } from './customer-state';

/** The customer row; NotFound also when the caller may not see its site, so ids of other sites do not leak. */
export async function loadCustomer(
  em: EntityManager,
  key: CustomerKey,
  caller: Caller,
  lockMode?: LockMode,
): Promise<Customer> {
  const row = await em.findOne(Customer, whereKey(key), lockMode ? { lockMode } : {});
  if (!row || !canAccessSite(caller, row.site))
    throw new NotFoundError(`customer ${describeKey(key)} not found`);
  return row;
}

export function stateOf(row: Customer): CustomerState {
  return dropUndefined({
    id: row.id,
    site: row.site,
    externalId: row.externalId ?? undefined,
    firstName: row.firstName ?? undefined,
    lastName: row.lastName ?? undefined,
    patronymic: row.patronymic ?? undefined,
    phones: row.phones,
    emails: row.emails,
    addresses: row.addresses,
    birthday: row.birthday ?? undefined,
    sex: (row.sex ?? undefined) as CustomerState['sex'],
    tags: row.tags,
    customFields: row.customFields,
    consent: row.consent,
    managerId: row.managerId ?? undefined,
    vip: row.vip,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  });
}

/** The profile's columns, with the search keys derived from it. */
export function columnsOf(c: CustomerState) {
  return {
    externalId: c.externalId ?? null,
    firstName: c.firstName ?? null,
    lastName: c.lastName ?? null,
    patronymic: c.patronymic ?? null,
    nameKey: searchKey(c.lastName, c.firstName, c.patronymic) ?? null,
    phones: c.phones,
    phoneKeys: c.phones.flatMap((p) => (p.e164 ? [p.e164] : [])),
    emails: c.emails,
    emailKeys: c.emails.map(emailKey),
    addresses: c.addresses,
    birthday: c.birthday ?? null,
    sex: c.sex ?? null,
    tags: c.tags,
    customFields: c.customFields,
    consent: c.consent,
    managerId: c.managerId ?? null,
    vip: c.vip,
    updatedAt: c.updatedAt,
  } as Partial<Customer>;
}

export function viewOf(row: Customer, state = stateOf(row)): CustomerView {
  const currency = row.metricsCurrency ?? undefined;
  const money = (amountMinor: number) => (currency ? { amountMinor, currency } : undefined);
  return {
    customer: state,
    numericId: row.numericId,
    metrics: dropUndefined({
      ordersCount: row.ordersCount,
      totalSpent: money(row.totalSpentMinor),
      averageCheck: money(row.averageCheckMinor),
      paidTotal: money(row.paidTotalMinor),
      cancellations: row.cancellations,
      firstOrderAt: row.firstOrderAt ?? undefined,
      lastOrderAt: row.lastOrderAt ?? undefined,
    }),
    ...(row.mergedInto ? { mergedInto: row.mergedInto } : {}),
    version: row.version,
  };
}

/**
 * Profiles' rows by id, as plain objects of the entity's shape (not managed: a chunk's thousands
 * of rows read without the unit of work's cost), locked in id order when `lock`.
 */
export async function readProfiles(
  em: EntityManager,
  ids: readonly string[],
  lock: boolean,
): Promise<Map<string, Customer>> {
  if (ids.length === 0) return new Map();
  const rows = await executeBound(
    em,
    `select * from customers where id = any(?::uuid[]) ${lock ? 'order by id for update' : ''}`,
    [ids],
  );
  const comparator = em.getComparator();
  const platform = em.getPlatform();
  // mapResult names the columns by property; numbers kept in bigint columns still need their type.
  const bigints = em
    .getMetadata()
    .get(Customer.name)
    .props.filter((p) => p.customType instanceof BigIntType);
  return new Map(
    rows.map((row) => {
      const profile = comparator.mapResult<Customer>(Customer.name, row) as Record<string, unknown>;
      for (const p of bigints) profile[p.name] = p.customType!.convertToJSValue(profile[p.name], platform);
      return [profile.id as string, profile as unknown as Customer];
    }),
  );
}
