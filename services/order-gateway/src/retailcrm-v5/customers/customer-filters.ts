import { ValidationError, type FieldViolation } from '@openretail/contracts';
import type { customersV1 } from '@openretail/grpc';
import { dateRange, filterParams, refuseUnknownFilters } from '../wire/filters';
import { toMinorUnits } from '../wire/money';
import { listParam, numericId, stringParam, type Params } from '../wire/params';
import type { ReferenceDocument } from '../wire/reference-snapshot';

/** The ListCustomers filter of a RetailCRM `filter[...]` (caller, paging and counts are the controller's). */
export type CustomersFilter = Omit<
  customersV1.ListCustomersRequest,
  'caller' | 'pageSize' | 'pageToken' | 'offset' | 'countTotal'
>;

/** The `filter[...]` members of GET /api/v5/customers this API understands; others are refused by name. */
const SUPPORTED = new Set([
  'ids',
  'externalIds',
  'name',
  'email',
  'sites',
  'managers',
  'tags',
  'vip',
  'sex',
  'dateFrom',
  'dateTo',
  'minOrdersCount',
  'maxOrdersCount',
  'minTotalSumm',
  'maxTotalSumm',
  'minAverageSumm',
  'maxAverageSumm',
  'firstOrderFrom',
  'firstOrderTo',
  'lastOrderFrom',
  'lastOrderTo',
]);

/**
 * A RetailCRM customers filter as the customers service's: `ids` are numeric ids; `name` is one
 * box for a phone, an email or words of the name, as in RetailCRM; `tags` must all be on the
 * customer; dates are in the installation's zone, the `...To` ones inclusive; money ranges are
 * decimal amounts in the currency of the sites asked for (one currency).
 */
export function customersFilterFromCrm(
  filter: unknown,
  ref: ReferenceDocument,
  timeZone: string,
  readableSites: readonly string[],
): CustomersFilter {
  const f = filterParams(filter);
  refuseUnknownFilters(f, SUPPORTED);
  const violations: FieldViolation[] = [];
  const ids = (listParam(f, 'ids') ?? []).flatMap((id, i) => {
    try {
      return [numericId(id, `filter[ids][${i}]`)];
    } catch {
      violations.push({ field: `filter[ids][${i}]`, reason: 'must be a positive integer' });
      return [];
    }
  });
  const managers = listParam(f, 'managers') ?? [];
  if (managers.length > 1)
    violations.push({ field: 'filter[managers]', reason: 'at most one manager at a time here' });
  const vip = stringParam(f, 'vip');
  if (vip !== undefined && !['0', '1', 'true', 'false', ''].includes(vip))
    violations.push({ field: 'filter[vip]', reason: 'must be 1 or 0' });
  const count = (name: string) => {
    const value = stringParam(f, name);
    if (!value) return undefined;
    if (!/^\d{1,9}$/.test(value)) {
      violations.push({ field: `filter[${name}]`, reason: 'must be a whole number' });
      return undefined;
    }
    return Number(value);
  };
  const sites = listParam(f, 'sites') ?? [];
  const money = moneyRanges(f, sites.length > 0 ? sites : readableSites, ref, violations);
  const created = dateRange(f, 'dateFrom', 'dateTo', timeZone, violations);
  const firstOrder = dateRange(f, 'firstOrderFrom', 'firstOrderTo', timeZone, violations);
  const lastOrder = dateRange(f, 'lastOrderFrom', 'lastOrderTo', timeZone, violations);
  const result: CustomersFilter = {
    sites,
    numericIds: ids,
    externalIds: listParam(f, 'externalIds') ?? [],
    query: stringParam(f, 'name'),
    email: stringParam(f, 'email'),
    sex: stringParam(f, 'sex'),
    managerId: managers[0],
    tags: listParam(f, 'tags') ?? [],
    vip: vip === undefined || vip === '' ? undefined : vip === '1' || vip === 'true',
    createdFrom: created.from,
    createdTo: created.to,
    minOrdersCount: count('minOrdersCount'),
    maxOrdersCount: count('maxOrdersCount'),
    ...money,
    firstOrderFrom: firstOrder.from,
    firstOrderTo: firstOrder.to,
    lastOrderFrom: lastOrder.from,
    lastOrderTo: lastOrder.to,
  };
  if (violations.length > 0) throw new ValidationError(violations);
  return result;
}

/** The money ranges, in the one currency of the sites the list covers. */
function moneyRanges(
  f: Params,
  sites: readonly string[],
  ref: ReferenceDocument,
  violations: FieldViolation[],
): Pick<CustomersFilter, 'minTotalSpent' | 'maxTotalSpent' | 'minAverageCheck' | 'maxAverageCheck'> {
  const names = {
    minTotalSumm: 'minTotalSpent',
    maxTotalSumm: 'maxTotalSpent',
    minAverageSumm: 'minAverageCheck',
    maxAverageSumm: 'maxAverageCheck',
  } as const;
  const given = Object.keys(names).filter((n) => stringParam(f, n));
  if (given.length === 0) return {};
  const currencies = [...new Set(ref.sites.filter((s) => sites.includes(s.code)).map((s) => s.currency))];
  if (currencies.length !== 1) {
    violations.push({
      field: `filter[${given[0]}]`,
      reason: 'amounts need the sites of one currency: name them in filter[sites]',
    });
    return {};
  }
  const currency = currencies[0];
  const out: Record<string, { amountMinor: number; currency: string }> = {};
  for (const name of given) {
    try {
      out[names[name as keyof typeof names]] = {
        amountMinor: toMinorUnits(stringParam(f, name), currency, `filter[${name}]`),
        currency,
      };
    } catch (e) {
      if (e instanceof ValidationError) violations.push(...e.violations);
      else throw e;
    }
  }
  return out;
}
