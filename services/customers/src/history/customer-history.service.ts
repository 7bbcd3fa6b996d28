import { Inject, Injectable } from '@nestjs/common';
import { MikroORM, type FilterQuery } from '@mikro-orm/postgresql';
import { NotFoundError, ValidationError } from '@openretail/contracts';
import { readVisibleHistory } from '@openretail/persistence';
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
  /** individual or corporate: only that kind's entries. */
  customerKind?: string;
  /** Only entries recorded at or after `from` and before `to`. */
  from?: Date;
  to?: Date;
  countTotal?: boolean;
}

const KINDS = ['individual', 'corporate'];

/** The history of individual and corporate customers, read with a cursor (entries after id N). */
@Injectable()
export class CustomerHistoryService {
  constructor(
    private readonly orm: MikroORM,
    @Inject(REFERENCE_DATA) private readonly referenceData: ReferenceDataProvider,
  ) {}

  /** Entries after a cursor, oldest first, never skipping one that commits late. */
  async history(
    query: HistoryQuery,
    caller: Caller,
  ): Promise<{ entries: CustomerHistoryEntry[]; lastId: number; totalCount?: number }> {
    const limit = checkPageSize(query.limit, 100, 1000, 'limit');
    if (!Number.isSafeInteger(query.afterId) || query.afterId < 0) {
      throw ValidationError.field('afterId', 'must be a whole number, 0 or more');
    }
    if (query.customerKind && !KINDS.includes(query.customerKind)) {
      throw ValidationError.field('customerKind', `must be one of ${KINDS.join(', ')}`);
    }
    const em = this.orm.em.fork();
    const window: FilterQuery<CustomerHistoryEntry> =
      query.from || query.to
        ? { at: { ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lt: query.to } : {}) } }
        : {};
    if (query.customerId) {
      const id = checkUuid(query.customerId, 'customerId');
      const owner =
        (await em.findOne(Customer, { id }, { fields: ['site'] })) ??
        (await em.findOne(CorporateCustomer, { id }, { fields: ['site'] }));
      if (!owner || !canAccessSite(caller, owner.site)) throw new NotFoundError(`customer ${id} not found`);
      // Per customer the cursor is exact: the customer's row lock orders its writers.
      const where = { customerId: id, id: { $gt: query.afterId }, ...window };
      const entries = await em.find(CustomerHistoryEntry, where, { orderBy: { id: 'asc' }, limit });
      const totalCount = query.countTotal ? await em.count(CustomerHistoryEntry, where) : undefined;
      return { entries, lastId: entries.at(-1)?.id ?? query.afterId, totalCount };
    }
    const ref = await this.referenceData.get();
    const sites = readableSites(query.sites, caller, ref.siteCodes);
    const matching: FilterQuery<CustomerHistoryEntry> = {
      site: { $in: sites },
      ...(query.customerKind ? { customerKind: query.customerKind } : {}),
      ...window,
    };
    const isVisible = (e: Pick<CustomerHistoryEntry, 'site' | 'customerKind' | 'at'>) =>
      sites.includes(e.site) &&
      (!query.customerKind || e.customerKind === query.customerKind) &&
      (!query.from || e.at >= query.from) &&
      (!query.to || e.at < query.to);
    // Gaps are judged on the ids of every site and kind (see readVisibleHistory); the scan reads only
    // what the judgement needs, then the page's entries are loaded whole.
    const page = await readVisibleHistory({
      afterId: query.afterId,
      limit,
      // Its own entity manager: the second read must not be served these partly loaded entries.
      scan: (afterId, wanted) =>
        this.orm.em
          .fork()
          .find(
            CustomerHistoryEntry,
            { id: { $gt: afterId } },
            { fields: ['id', 'at', 'site', 'customerKind'], orderBy: { id: 'asc' }, limit: wanted },
          ),
      isVisible: (e) => isVisible(e),
    });
    const visible = page.entries.map((e) => e.id);
    const lastId = page.lastId;
    const entries =
      visible.length > 0
        ? await em.find(CustomerHistoryEntry, { id: { $in: visible } }, { orderBy: { id: 'asc' } })
        : [];
    const totalCount = query.countTotal
      ? await em.count(CustomerHistoryEntry, { id: { $gt: query.afterId }, ...matching })
      : undefined;
    return { entries, lastId, totalCount };
  }
}
