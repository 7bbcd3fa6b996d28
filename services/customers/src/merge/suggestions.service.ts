import { Inject, Injectable } from '@nestjs/common';
import { LockMode, MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError, PreconditionError, ValidationError } from '@openretail/contracts';
import type { FieldContribution } from '../matching';
import { lockLiveProfile } from '../identity/profile-writes';
import { readableSites, canAccessSite, type Caller } from '../shared/caller';
import { checkPageSize, checkUuid, decodePageToken, encodePageToken } from '../shared/requests';
import { MergeService, type MergeView } from './merge.service';
import { CustomerMatchSuggestion, SUGGESTION_STATUSES, type SuggestionStatus } from './suggestion.entity';
import { REFERENCE_DATA, type ReferenceDataProvider } from '../reference-data/customer-reference-data';

export interface SuggestionView {
  id: string;
  site: string;
  /** The pair, in stored order; contributions are seen from the first. */
  customerIds: [string, string];
  weight: number;
  probability: number;
  contributions: FieldContribution[];
  contradictions: string[];
  status: SuggestionStatus;
  origin: 'ingestion' | 'batch';
  orderId?: string;
  jobId?: string;
  createdAt: Date;
  updatedAt: Date;
  decidedBy?: string;
  decidedAt?: Date;
  mergeId?: string;
}

export interface SuggestionFilter {
  sites?: string[];
  /** Default open. */
  status?: string;
  /** Suggestions about this profile. */
  customerId?: string;
  pageSize?: number;
  pageToken?: string;
}

/**
 * Possible duplicates for managers: listed newest first; accepting one merges the pair (the
 * survivor the manager names, else the older profile), rejecting it keeps the pair apart for good.
 * Open suggestions about a profile merged since are not listed (they come back if the merge is
 * undone).
 */
@Injectable()
export class SuggestionsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly merges: MergeService,
    @Inject(REFERENCE_DATA) private readonly referenceData: ReferenceDataProvider,
  ) {}

  async list(
    filter: SuggestionFilter,
    caller: Caller,
  ): Promise<{ views: SuggestionView[]; nextPageToken?: string }> {
    const ref = await this.referenceData.get();
    const pageSize = checkPageSize(filter.pageSize, 20, 100, 'pageSize');
    const status = filter.status || 'open';
    if (!(SUGGESTION_STATUSES as readonly string[]).includes(status)) {
      throw ValidationError.field('status', `must be one of ${SUGGESTION_STATUSES.join(', ')}`);
    }
    const qb = this.orm.em
      .fork()
      .createQueryBuilder(CustomerMatchSuggestion, 's')
      .where({
        site: { $in: readableSites(filter.sites, caller, ref.siteCodes) },
        status: status as SuggestionStatus,
      });
    if (filter.customerId) {
      const id = checkUuid(filter.customerId, 'customerId');
      qb.andWhere({ $or: [{ customerA: id }, { customerB: id }] });
    }
    if (status === 'open') {
      qb.andWhere(
        'not exists (select 1 from customers c where c.id in (s.customer_a, s.customer_b) and c.merged_into is not null)',
      );
    }
    if (filter.pageToken) {
      const after = decodePageToken(filter.pageToken);
      qb.andWhere({
        $or: [{ createdAt: { $lt: after.at } }, { createdAt: after.at, id: { $lt: after.id } }],
      });
    }
    const rows = await qb
      .orderBy({ createdAt: 'desc', id: 'desc' })
      .limit(pageSize + 1)
      .getResultList();
    const page = rows.slice(0, pageSize);
    const last = page[page.length - 1];
    return {
      views: page.map(viewOf),
      nextPageToken: rows.length > pageSize ? encodePageToken(last.createdAt, last.id) : undefined,
    };
  }

  async get(id: string, caller: Caller): Promise<SuggestionView> {
    return viewOf(await this.load(this.orm.em.fork(), id, caller));
  }

  /**
   * Merges the pair: the profiles the two are now (either may have been merged into another since),
   * into `survivorId` (one of them) or the older one. A suggestion accepted already is refused.
   */
  async accept(id: string, caller: Caller, survivorId?: string): Promise<MergeView> {
    return this.orm.em.fork().transactional(async (em) => {
      const suggestion = await this.load(em, id, caller, true);
      if (suggestion.status !== 'open') {
        throw new PreconditionError(`suggestion ${suggestion.id} was ${suggestion.status} already`);
      }
      const a = await lockLiveProfile(em, suggestion.customerA);
      const b = await lockLiveProfile(em, suggestion.customerB);
      if (!a || !b) throw new NotFoundError(`a customer of suggestion ${suggestion.id} no longer exists`);
      if (a.id === b.id) {
        throw new PreconditionError(
          `the customers of suggestion ${suggestion.id} were merged already (into ${a.id})`,
        );
      }
      return this.merges.mergeIn(
        em,
        { customerIds: [a.id, b.id], survivorId, origin: 'suggestion', suggestionId: suggestion.id },
        caller,
      );
    });
  }

  /** The pair stays apart for good: it is never suggested again, nor merged by a job. */
  async reject(id: string, caller: Caller): Promise<SuggestionView> {
    return this.orm.em.fork().transactional(async (em) => {
      const suggestion = await this.load(em, id, caller, true);
      if (suggestion.status === 'accepted') {
        throw new PreconditionError(
          `suggestion ${suggestion.id} was accepted (merge ${suggestion.mergeId}): undo the merge instead`,
        );
      }
      if (suggestion.status === 'open') {
        em.assign(suggestion, {
          status: 'rejected',
          decidedBy: caller.userId ?? null,
          decidedAt: new Date(),
          updatedAt: new Date(),
        } as Partial<CustomerMatchSuggestion>);
      }
      return viewOf(suggestion);
    });
  }

  private async load(em: EntityManager, id: string, caller: Caller, lock = false) {
    const row = await em.findOne(
      CustomerMatchSuggestion,
      { id: checkUuid(id, 'id') },
      lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {},
    );
    if (!row || !canAccessSite(caller, row.site)) throw new NotFoundError(`suggestion ${id} not found`);
    return row;
  }
}

function viewOf(s: CustomerMatchSuggestion): SuggestionView {
  return {
    id: s.id,
    site: s.site,
    customerIds: [s.customerA, s.customerB],
    weight: s.weight,
    probability: s.probability,
    contributions: s.contributions,
    contradictions: s.contradictions,
    status: s.status,
    origin: s.origin,
    ...(s.orderId ? { orderId: s.orderId } : {}),
    ...(s.jobId ? { jobId: s.jobId } : {}),
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    ...(s.decidedBy ? { decidedBy: s.decidedBy } : {}),
    ...(s.decidedAt ? { decidedAt: s.decidedAt } : {}),
    ...(s.mergeId ? { mergeId: s.mergeId } : {}),
  };
}
