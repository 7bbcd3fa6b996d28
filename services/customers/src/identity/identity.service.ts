import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { NotFoundError, PermissionDeniedError, ValidationError } from '@openretail/contracts';
import { Customer } from '../profiles/customer.entity';
import { viewOf } from '../profiles/customer-rows';
import type { CustomerView } from '../profiles/customer-state';
import { canAccessSite, type Caller } from '../shared/caller';
import { checkUuid } from '../shared/requests';
import {
  IdentityResolver,
  type ContactInput,
  type OrderLinkView,
  type Resolution,
} from './identity-resolution';
import { CustomerOrderLink } from './order-link.entity';

export interface FindOrCreateResult extends Resolution {
  customer: CustomerView;
}

/** Identity resolution on request: find-or-create for other services, and the explanation of an order's link. */
@Injectable()
export class IdentityService {
  constructor(
    private readonly orm: MikroORM,
    private readonly resolver: IdentityResolver,
  ) {}

  /**
   * The profile of a contact, made when there is none, by the rules orders are linked by (see
   * IdentityResolver): for services that need a customer id at once (a shop's checkout, a call).
   */
  async findOrCreate(contact: ContactInput, caller: Caller): Promise<FindOrCreateResult> {
    if (!contact.site) throw ValidationError.field('contact.site', 'is required');
    if (!canAccessSite(caller, contact.site)) {
      throw new PermissionDeniedError(`this key has no access to site '${contact.site}'`);
    }
    return this.orm.em.fork().transactional(async (em) => {
      const resolution = await this.resolver.resolve(em, contact, caller);
      if (!resolution) {
        throw ValidationError.field('contact', 'give a name, a phone or an email to find the customer by');
      }
      const row = await em.findOneOrFail(Customer, { id: resolution.customerId });
      return { ...resolution, customer: viewOf(row) };
    });
  }

  /** Which profile an order is linked to, and why (the scores of the decision). */
  async orderLink(orderId: string, caller: Caller): Promise<OrderLinkView> {
    const id = checkUuid(orderId, 'orderId');
    const link = await this.orm.em.fork().findOne(CustomerOrderLink, { orderId: id });
    if (!link || !canAccessSite(caller, link.site))
      throw new NotFoundError(`no customer link for order ${id}`);
    return link;
  }
}
