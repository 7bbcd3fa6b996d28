import { Inject, Injectable } from '@nestjs/common';
import type { CustomerJson } from '@openretail/contracts';
import { customersV1 } from '@openretail/grpc';
import type { Principal } from '../../access';
import { CUSTOMERS_CLIENT, type CustomersClient } from '../../customers/customers-client';
import { callerOf } from '../../orders/caller';
import { CompatError } from '../wire/errors';
import { numericId, stringParam, type Params } from '../wire/params';
import type { ReferenceDocument } from '../wire/reference-snapshot';
import { resolveSite } from '../wire/site';
import { isObject, text, type CrmObject } from '../wire/values';

/** The most customers one ListCustomers call returns. */
const PAGE = 100;

/** The key a path names: `/customers/{id}?by=id` or `/customers/{externalId}` on the site. */
export function customerKey(
  id: string,
  by: 'id' | 'externalId',
  siteParam: string | undefined,
  principal: Principal,
  ref: ReferenceDocument,
): customersV1.CustomerKey {
  return by === 'id'
    ? { numericId: numericId(id, 'id') }
    : { external: { site: resolveSite(principal, siteParam, ref), externalId: id } };
}

/**
 * The key of a reference `{id}` or `{externalId}` (with its `site`, or the site of the request).
 * Undefined when the reference names neither.
 */
export function customerKeyOfRef(
  reference: unknown,
  field: string,
  siteParam: string | undefined,
  principal: Principal,
  ref: ReferenceDocument,
): customersV1.CustomerKey | undefined {
  if (!isObject(reference)) return undefined;
  if (reference.id !== undefined && reference.id !== null && reference.id !== '') {
    return { numericId: numericId(reference.id as string | number, `${field}.id`) };
  }
  const externalId = text(reference.externalId);
  if (!externalId) return undefined;
  const site = resolveSite(principal, text(reference.site) ?? siteParam, ref);
  return { external: { site, externalId } };
}

/**
 * Lookups of the customers RetailCRM requests name (see customerKey and customerKeyOfRef: a path id
 * `by=id` is the numeric id, `by=externalId` the site's id; references `{id}` or `{externalId}` in
 * bodies of orders, notes, combine and corporate contacts). Translation of names only.
 */
@Injectable()
export class CustomerDirectory {
  constructor(@Inject(CUSTOMERS_CLIENT) private readonly customers: CustomersClient) {}

  /** One live customer (a customer merged into another is gone, as after RetailCRM's combine). */
  async get(
    key: customersV1.CustomerKey,
    principal: Principal,
    site?: string,
  ): Promise<CustomerJson & { id: string }> {
    const customer = customersV1.customerFromProto(
      await this.customers.call('GetCustomer', { caller: callerOf(principal), key }),
    );
    if (!customer.id || customer.mergedInto || (site && customer.site !== site)) {
      throw CompatError.notFound('Not found');
    }
    return { ...customer, id: customer.id };
  }

  /** The customers of these platform ids, merged ones included (history and notes name them). */
  async byIds(ids: readonly string[], principal: Principal): Promise<Map<string, CustomerJson>> {
    const unique = [...new Set(ids)];
    const found = new Map<string, CustomerJson>();
    for (let i = 0; i < unique.length; i += PAGE) {
      const res = await this.customers.call('ListCustomers', {
        caller: callerOf(principal),
        ids: unique.slice(i, i + PAGE),
        includeMerged: true,
        pageSize: PAGE,
      });
      for (const c of res.customers) found.set(c.id, customersV1.customerFromProto(c));
    }
    return found;
  }

  /**
   * The platform ids of the customers numeric ids and external ids name, among the sites the key
   * reaches (or those asked for); unknown ones simply match nothing, as a filter.
   */
  async idsOf(
    numericIds: readonly number[],
    externalIds: readonly string[],
    sites: readonly string[],
    principal: Principal,
  ): Promise<string[]> {
    const ids: string[] = [];
    const count = numericIds.length + externalIds.length;
    if (count === 0) return ids;
    if (count > PAGE) throw CompatError.parameter('filter', `at most ${PAGE} customers at a time`);
    const res = await this.customers.call('ListCustomers', {
      caller: callerOf(principal),
      sites: [...sites],
      numericIds: [...numericIds],
      externalIds: [...externalIds],
      pageSize: PAGE,
    });
    for (const c of res.customers) ids.push(c.id);
    return ids;
  }
}

/** The site a write names: the `site` parameter or, failing that, the entity's own `site`. */
export function siteOf(params: Params, entity: CrmObject): string | undefined {
  return stringParam(params, 'site') ?? text(entity.site);
}
