import { ValidationError, type FieldViolation } from '@openretail/contracts';
import type { ordersV1 } from '@openretail/grpc';
import { CompatError } from '../wire/errors';
import { dateRange, filterParams, refuseUnknownFilters } from '../wire/filters';
import { listParam, numericId, stringParam } from '../wire/params';
import type { ReferenceDocument } from '../wire/reference-snapshot';

/** The ListOrders filter of a RetailCRM `filter[...]` (caller, paging and sort are the controller's). */
export type OrdersFilter = Omit<
  ordersV1.ListOrdersRequest,
  'caller' | 'pageSize' | 'pageToken' | 'offset' | 'countTotal'
>;

/** The `filter[...]` members of GET /api/v5/orders this API understands; others are refused by name. */
const SUPPORTED = new Set([
  'ids',
  'externalIds',
  'numbers',
  'number',
  'sites',
  'statuses',
  'extendedStatus',
  'createdAtFrom',
  'createdAtTo',
  'customer',
  'customerId',
  'email',
  'managers',
  'sinceId',
]);

/**
 * A RetailCRM orders filter as the orders service's: `ids` are numeric ids; `extendedStatus` (status
 * or group codes, any of them) lists the statuses of the groups it names; `createdAtFrom`/`To` are
 * dates (or date-times) in the installation's zone, `createdAtTo` inclusive; `customer` matches a
 * phone, email, number or external id exactly (not a part of a name).
 */
export function ordersFilterFromCrm(filter: unknown, ref: ReferenceDocument, timeZone: string): OrdersFilter {
  if (filter === undefined || filter === '') return {};
  const f = filterParams(filter);
  refuseUnknownFilters(f, SUPPORTED);
  const violations: FieldViolation[] = [];
  const created = dateRange(f, 'createdAtFrom', 'createdAtTo', timeZone, violations);
  const managers = listParam(f, 'managers') ?? [];
  if (managers.length > 1)
    violations.push({ field: 'filter[managers]', reason: 'at most one manager at a time here' });
  const extended = listParam(f, 'extendedStatus') ?? [];
  const groups = new Set(ref.statusGroups.map((g) => g.code));
  const statuses = [
    ...(listParam(f, 'statuses') ?? []),
    ...extended.flatMap((code) =>
      groups.has(code) ? ref.statuses.filter((s) => s.group === code).map((s) => s.code) : [code],
    ),
  ];
  const ids = (listParam(f, 'ids') ?? []).map((id, i) => {
    try {
      return numericId(id, `filter[ids][${i}]`);
    } catch (e) {
      if (e instanceof CompatError)
        violations.push({ field: `filter[ids][${i}]`, reason: 'must be a positive integer' });
      return 0;
    }
  });
  const sinceId = stringParam(f, 'sinceId');
  const result: OrdersFilter = {
    sites: listParam(f, 'sites') ?? [],
    statuses: [...new Set(statuses)],
    numericIds: ids,
    externalIds: listParam(f, 'externalIds') ?? [],
    numbers: [
      ...(listParam(f, 'numbers') ?? []),
      ...(stringParam(f, 'number') ? [stringParam(f, 'number')!] : []),
    ],
    customerId: stringParam(f, 'customerId'),
    email: stringParam(f, 'email'),
    query: stringParam(f, 'customer'),
    managerId: managers[0],
    createdFrom: created.from,
    createdTo: created.to,
    afterNumericId: sinceId ? Number(sinceId) : undefined,
  };
  if (sinceId && !/^\d{1,15}$/.test(sinceId))
    violations.push({ field: 'filter[sinceId]', reason: 'must be a whole number' });
  if (violations.length > 0) throw new ValidationError(violations);
  return result;
}
