import { Inject, Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { NotFoundError, ValidationError } from '@openretail/contracts';
import { readableEntries } from '@openretail/persistence';
import { CorporateCustomer } from '../corporate/corporate-customer.entity';
import { Customer } from '../profiles/customer.entity';
import { REFERENCE_DATA, type ReferenceDataProvider } from '../reference-data/customer-reference-data';
import { canAccessSite, readableSites, type Caller } from '../shared/caller';
import { checkPageSize, checkUuid } from '../shared/requests';
import { CustomerHistoryEntry } from './customer-history.entity';

export interface HistoryQuery {
  afterId: number;
  customerId?: string;
  sites?: string[];
  limit?: number;
}

/** The history of individual and corporate customers, read with a cursor (entries after id N). */
@Injectable()
export class CustomerHistoryService {
  constructor(
    private readonly orm: MikroORM,
    @Inject(REFERENCE_DATA) private readonly referenceData: ReferenceDataProvider,
  ) {}

  /** Entries after a cursor, oldest first, never skipping one that commits late. */
  async history(query: HistoryQuery, caller: Caller) {
    const limit = checkPageSize(query.limit, 100, 1000, 'limit');
    if (!Number.isSafeInteger(query.afterId) || query.afterId < 0) {
      throw ValidationError.field('afterId', 'must be a whole number, 0 or more');
    }
    const em = this.orm.em.fork();
    if (query.customerId) {
      const id = checkUuid(query.customerId, 'customerId');
      const owner =
        (await em.findOne(Customer, { id }, { fields: ['site'] })) ??
        (await em.findOne(CorporateCustomer, { id }, { fields: ['site'] }));
      if (!owner || !canAccessSite(caller, owner.site)) throw new NotFoundError(`customer ${id} not found`);
      // Per customer the cursor is exact: the customer's row lock orders its writers.
      const entries = await em.find(
        CustomerHistoryEntry,
        { customerId: id, id: { $gt: query.afterId } },
        { orderBy: { id: 'asc' }, limit },
      );
      return { entries, lastId: entries.at(-1)?.id ?? query.afterId };
    }
    const ref = await this.referenceData.get();
    const sites = new Set(readableSites(query.sites, caller, ref.siteCodes));
    // Gaps are judged on the ids of every site (another site's entries are no gap), then the
    // caller's sites are picked: a page may hold fewer entries than the limit, and lastId still
    // moves past what the caller may not see.
    // Its own entity manager: the second read must not be served these partly loaded entries.
    const ids = await this.orm.em
      .fork()
      .find(
        CustomerHistoryEntry,
        { id: { $gt: query.afterId } },
        { fields: ['id', 'at', 'site'], orderBy: { id: 'asc' }, limit },
      );
    const readable = readableEntries(ids, query.afterId, new Date());
    const visible = readable.filter((e) => sites.has(e.site)).map((e) => e.id);
    const entries =
      visible.length > 0
        ? await em.find(CustomerHistoryEntry, { id: { $in: visible } }, { orderBy: { id: 'asc' } })
        : [];
    return { entries, lastId: readable.at(-1)?.id ?? query.afterId };
  }
}
