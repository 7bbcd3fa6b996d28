import { Injectable } from '@nestjs/common';
import { NotFoundError, UnavailableError } from '@openretail/contracts';
import { GrpcCallError, GrpcStatus } from '@openretail/grpc';
import type { Principal } from '../../access';
import { CompatError } from '../wire/errors';
import type { ReferenceDocument } from '../wire/reference-snapshot';
import { isObject, text, type CrmObject } from '../wire/values';
import { CustomerDirectory, customerKeyOfRef } from './customer-directory';
import { customerRefToCrm } from './customer-mapping';

/**
 * An order's `customer` as RetailCRM has it: an order names its customer by the customer's numeric
 * id (`customer: {id}`) or by the site's external id (`customer: {externalId}`), and answers carry
 * that reference back. The platform's orders carry the customer's platform id: this translates
 * both ways with lookups in the customers service, and nothing else (the orders service and
 * identity resolution decide what a named customer means for the order).
 */
@Injectable()
export class OrderCustomers {
  constructor(private readonly directory: CustomerDirectory) {}

  /**
   * The platform id of the customer an order's `customer` names on `site`; undefined when it names
   * none, null when it asks to clear it (`customer: {id: null}` in an edit). A customer that does
   * not exist is a 400 naming the reference.
   */
  async customerIdOf(
    order: CrmObject,
    site: string,
    principal: Principal,
    ref: ReferenceDocument,
  ): Promise<string | null | undefined> {
    const customer = order.customer;
    if (!isObject(customer)) return undefined;
    if (customer.id === null) return null;
    const key = customerKeyOfRef(customer, 'customer', site, principal, ref);
    if (!key) return undefined;
    const field = 'numericId' in key && key.numericId ? 'customer.id' : 'customer.externalId';
    try {
      return (await this.directory.get(key, principal, site)).id;
    } catch (e) {
      if (e instanceof NotFoundError || (e instanceof CompatError && e.status === 404)) {
        throw CompatError.parameter(
          field,
          `no customer ${text(customer.id) ?? text(customer.externalId)} on site '${site}': create it first (customers/create)`,
        );
      }
      throw e;
    }
  }

  /**
   * RetailCRM orders whose `customer.id` is the platform's customer id, with the customer's numeric
   * id and external id instead. A customer gone or out of reach keeps no id; so do all while the
   * customers service is unavailable, so that orders stay readable without it.
   */
  async numbered<T extends CrmObject>(orders: T[], principal: Principal): Promise<T[]> {
    const customerOf = (o: CrmObject) => (isObject(o.customer) ? o.customer : undefined);
    const ids = orders.flatMap((o) => {
      const id = customerOf(o)?.id;
      return typeof id === 'string' ? [id] : [];
    });
    if (ids.length === 0) return orders;
    const customers = await this.directory.byIds(ids, principal).catch((e: unknown) => {
      const unavailable =
        e instanceof UnavailableError ||
        (e instanceof GrpcCallError &&
          [GrpcStatus.DEADLINE_EXCEEDED, GrpcStatus.RESOURCE_EXHAUSTED].includes(e.code));
      if (unavailable) return new Map<string, never>();
      throw e;
    });
    return orders.map((o) => {
      const customer = customerOf(o);
      if (!customer || typeof customer.id !== 'string') return o;
      const { id, ...rest } = customer;
      const found = customers.get(id);
      return { ...o, customer: { ...rest, ...(found ? customerRefToCrm(found) : {}) } };
    });
  }
}
