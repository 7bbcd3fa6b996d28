import { Inject, Injectable } from '@nestjs/common';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { LockMode, MikroORM, type EntityManager, type FilterQuery } from '@mikro-orm/postgresql';
import { ConflictError, PreconditionError, ValidationError, newId, type Money } from '@openretail/contracts';
import { indexProfile } from '../identity/match-index';
import { recordProfileChange } from '../identity/profile-writes';
import { normalisePhone, type Region } from '../matching/normalise/phone';
import {
  REFERENCE_DATA,
  type CustomerReferenceData,
  type ReferenceDataProvider,
} from '../reference-data/customer-reference-data';
import { readableSites, type Caller } from '../shared/caller';
import { draftOf, earlierCreate } from '../shared/create-retry';
import type { CustomerKey } from '../shared/customer-key';
import {
  checkIdempotencyKey,
  checkOffset,
  checkPageSize,
  decodePageToken,
  encodePageToken,
  isUuid,
} from '../shared/requests';
import {
  planCustomerCreate,
  planCustomerEdit,
  type CommandContext,
  type PlannedCustomerChange,
} from './customer-commands';
import { columnsOf, loadCustomer, viewOf } from './customer-rows';
import { emailKey, searchKey, type CustomerView } from './customer-state';
import { Customer } from './customer.entity';

export interface CustomerFilter {
  sites?: string[];
  managerId?: string;
  tags?: string[];
  vip?: boolean;
  createdFrom?: Date;
  createdTo?: Date;
  includeMerged?: boolean;
  pageSize?: number;
  pageToken?: string;
  /** Any of these customers, by id, numeric id or external id. */
  ids?: string[];
  numericIds?: number[];
  externalIds?: string[];
  /** A phone, an email or the words of a name: customers matching any of them. */
  query?: string;
  email?: string;
  sex?: string;
  /** Inclusive metrics ranges; the money ones in the currency of the customers' metrics. */
  ordersCount?: Range<number>;
  totalSpent?: Range<Money>;
  averageCheck?: Range<Money>;
  /** From inclusive, to exclusive. */
  firstOrderAt?: Range<Date>;
  lastOrderAt?: Range<Date>;
  offset?: number;
  countTotal?: boolean;
}

export interface Range<T> {
  min?: T;
  max?: T;
}

export interface CustomerSearch {
  sites?: string[];
  phone?: string;
  email?: string;
  name?: string;
  includeMerged?: boolean;
  limit?: number;
}

/**
 * Runs the commands on individual customers: loads the profile (locked), lets the domain plan the
 * change, and stores the new state, its history entries and its events in one transaction.
 * Entities never leave this class; callers get CustomerViews.
 */
@Injectable()
export class CustomersService {
  constructor(
    private readonly orm: MikroORM,
    @Inject(REFERENCE_DATA) private readonly referenceData: ReferenceDataProvider,
  ) {}

  /**
   * Creates a customer. A retry with the same idempotency key or externalId and the same content
   * returns the customer created first; the same key with different content is a conflict.
   * Concurrent duplicates meet at the unique indexes.
   */
  async create(input: unknown, caller: Caller, idempotencyKey?: string): Promise<CustomerView> {
    const ref = await this.referenceData.get();
    const draft = draftOf(input, checkIdempotencyKey(idempotencyKey));
    const existing = await earlierCreate(this.orm.em.fork(), Customer, draft, caller, 'customer');
    if (existing) return viewOf(existing);
    const plan = planCustomerCreate(input, this.context(ref, caller), newId());
    try {
      return await this.orm.em.fork().transactional(async (em) => {
        const row = em.create(Customer, {
          ...columnsOf(plan.after),
          id: plan.after.id,
          site: plan.after.site,
          idempotencyKey: draft.key ?? null,
          requestFingerprint: draft.fingerprint,
          createdAt: plan.after.createdAt,
          version: 1,
        } as Customer);
        // The row first: a racing duplicate fails at its unique index before it takes history ids,
        // so the history cursor is not held back by the gap it would leave.
        await em.flush();
        await this.record(em, plan, caller, 1);
        return viewOf(row, plan.after);
      });
    } catch (e) {
      if (!(e instanceof UniqueConstraintViolationException)) throw e;
      // A concurrent attempt of the same request got in first (or the key was used for another one).
      const raced = await earlierCreate(this.orm.em.fork(), Customer, draft, caller, 'customer');
      if (!raced) throw new ConflictError('the customer could not be created: retry the request');
      return viewOf(raced);
    }
  }

  async get(key: CustomerKey, caller: Caller): Promise<CustomerView> {
    return viewOf(await loadCustomer(this.orm.em.fork(), key, caller));
  }

  /** Applies an edit of the fields named by `mask`; with expectedVersion only if the profile is still at it. */
  async update(
    key: CustomerKey,
    input: unknown,
    mask: readonly string[],
    caller: Caller,
    expectedVersion?: number,
  ): Promise<CustomerView> {
    const ref = await this.referenceData.get();
    try {
      return await this.orm.em.fork().transactional(async (em) => {
        const row = await loadCustomer(em, key, caller, LockMode.PESSIMISTIC_WRITE);
        if (expectedVersion !== undefined && row.version !== expectedVersion) {
          throw new ConflictError(
            `customer ${row.id} is at version ${row.version}, not ${expectedVersion}: reload it and apply your change again`,
          );
        }
        if (row.mergedInto) {
          throw new PreconditionError(
            `customer ${row.id} was merged into ${row.mergedInto}: change that one`,
          );
        }
        const plan = planCustomerEdit(viewOf(row).customer, input, mask, this.context(ref, caller));
        if (plan.noop) return viewOf(row);
        const version = row.version + 1;
        em.assign(row, { ...columnsOf(plan.after), version });
        await em.flush(); // an externalId taken by another customer fails here, before history ids are taken
        await this.record(em, plan, caller, version);
        return viewOf(row, plan.after);
      });
    } catch (e) {
      if (e instanceof UniqueConstraintViolationException) {
        throw new ConflictError(`another customer of this site already has that externalId`);
      }
      throw e;
    }
  }

  /** Customers newest first, paged by (createdAt, id) so that new customers never shift a page. */
  async list(
    filter: CustomerFilter,
    caller: Caller,
  ): Promise<{ views: CustomerView[]; nextPageToken?: string; totalCount?: number }> {
    const ref = await this.referenceData.get();
    const pageSize = checkPageSize(filter.pageSize, 20, 100, 'pageSize');
    const sites = readableSites(filter.sites, caller, ref.siteCodes);
    const and: FilterQuery<Customer>[] = [{ site: { $in: sites } }];
    if (!filter.includeMerged) and.push({ mergedInto: null });
    if (filter.managerId) and.push({ managerId: filter.managerId });
    if (filter.tags?.length) and.push({ tags: { $contains: filter.tags } });
    if (filter.vip !== undefined) and.push({ vip: filter.vip });
    if (filter.createdFrom) and.push({ createdAt: { $gte: filter.createdFrom } });
    if (filter.createdTo) and.push({ createdAt: { $lt: filter.createdTo } });
    const anyOf: FilterQuery<Customer>[] = [];
    if (filter.ids?.length)
      anyOf.push({ id: { $in: filter.ids.filter(isUuid).map((id) => id.toLowerCase()) } });
    if (filter.numericIds?.length) anyOf.push({ numericId: { $in: filter.numericIds } });
    if (filter.externalIds?.length) anyOf.push({ externalId: { $in: filter.externalIds } });
    if (anyOf.length > 0) and.push({ $or: anyOf });
    if (filter.query?.trim()) and.push({ $or: queryConditions(filter.query, sites, ref) });
    if (filter.email?.trim()) and.push({ emailKeys: { $contains: [emailKey(filter.email)] } });
    if (filter.sex) and.push({ sex: filter.sex });
    and.push(...metricsConditions(filter));
    const offset = checkOffset(filter.offset, filter.pageToken);
    const totalCount = filter.countTotal
      ? await this.orm.em.fork().count(Customer, { $and: and })
      : undefined;
    if (filter.pageToken) {
      const after = decodePageToken(filter.pageToken);
      and.push({ $or: [{ createdAt: { $lt: after.at } }, { createdAt: after.at, id: { $lt: after.id } }] });
    }
    const rows = await this.orm.em
      .fork()
      .find(
        Customer,
        { $and: and },
        { orderBy: { createdAt: 'desc', id: 'desc' }, limit: pageSize + 1, offset },
      );
    const page = rows.slice(0, pageSize);
    const last = page[page.length - 1];
    return {
      views: page.map((row) => viewOf(row)),
      nextPageToken: rows.length > pageSize ? encodePageToken(last.createdAt, last.id) : undefined,
      totalCount,
    };
  }

  /**
   * Customers by phone, email and name (each given criterion must match), most recently updated
   * first. The phone is normalised with the region of each site searched, as it was when stored.
   */
  async search(query: CustomerSearch, caller: Caller): Promise<CustomerView[]> {
    const ref = await this.referenceData.get();
    const limit = checkPageSize(query.limit, 20, 100, 'limit');
    const sites = readableSites(query.sites, caller, ref.siteCodes);
    const phone = query.phone?.trim();
    const email = query.email?.trim();
    const words = searchKey(query.name)?.split(' ') ?? [];
    if (!phone && !email && words.length === 0) {
      throw ValidationError.field('(query)', 'give a phone, an email or a name to search by');
    }
    const and: FilterQuery<Customer>[] = [{ site: { $in: sites } }];
    if (!query.includeMerged) and.push({ mergedInto: null });
    if (phone) and.push({ $or: phoneConditions(phone, sites, ref) });
    if (email) and.push({ emailKeys: { $contains: [emailKey(email)] } });
    for (const word of words) and.push({ nameKey: { $like: `%${escapeLike(word)}%` } });
    const rows = await this.orm.em
      .fork()
      .find(Customer, { $and: and }, { orderBy: { updatedAt: 'desc', id: 'desc' }, limit });
    return rows.map((row) => viewOf(row));
  }

  private context(ref: CustomerReferenceData, caller: Caller): CommandContext {
    return { ref, caller, now: new Date(), newId };
  }

  /** History, events and the profile's match keys (identity resolution finds it by them). */
  private async record(em: EntityManager, plan: PlannedCustomerChange, caller: Caller, version: number) {
    await recordProfileChange(em, plan, caller, version);
    await indexProfile(em, plan.after, await this.referenceData.get());
  }
}

/** One condition per phone region among the sites: the number as each region reads it. */
function phoneConditions(
  phone: string,
  sites: string[],
  ref: CustomerReferenceData,
): FilterQuery<Customer>[] {
  const byRegion = new Map<Region, string[]>();
  for (const site of sites) {
    const region = ref.phoneRegion(site);
    if (region) byRegion.set(region, [...(byRegion.get(region) ?? []), site]);
  }
  const conditions = [...byRegion].flatMap(([region, regionSites]) => {
    const e164 = normalisePhone(phone, region);
    return e164 ? [{ site: { $in: regionSites }, phoneKeys: { $contains: [e164] } }] : [];
  });
  if (conditions.length === 0) throw ValidationError.field('phone', 'is not a phone number');
  return conditions;
}

/**
 * A free query as RetailCRM-minded clients send it (one box for name, phone or email): the phone as
 * the sites' regions read it, the email, or every word in the name.
 */
function queryConditions(
  query: string,
  sites: string[],
  ref: CustomerReferenceData,
): FilterQuery<Customer>[] {
  const q = query.trim();
  const conditions: FilterQuery<Customer>[] = [{ emailKeys: { $contains: [emailKey(q)] } }];
  if (/\d/.test(q)) {
    try {
      conditions.push(...phoneConditions(q, sites, ref));
    } catch (e) {
      // Not a phone in any of the sites' regions: the other arms may still match.
      if (!(e instanceof ValidationError)) throw e;
    }
  }
  const words = searchKey(q)?.split(' ') ?? [];
  conditions.push({ $and: words.map((word) => ({ nameKey: { $like: `%${escapeLike(word)}%` } })) });
  return conditions;
}

/** The metrics ranges of a filter as conditions on the metrics columns. */
function metricsConditions(filter: CustomerFilter): FilterQuery<Customer>[] {
  const and: FilterQuery<Customer>[] = [];
  const range = <T>(r: Range<T> | undefined, column: keyof Customer, value: (v: T) => unknown) => {
    if (r?.min !== undefined) and.push({ [column]: { $gte: value(r.min) } });
    if (r?.max !== undefined) and.push({ [column]: { $lte: value(r.max) } });
  };
  range(filter.ordersCount, 'ordersCount', (n) => n);
  for (const [r, column, field] of [
    [filter.totalSpent, 'totalSpentMinor', 'totalSpent'],
    [filter.averageCheck, 'averageCheckMinor', 'averageCheck'],
  ] as const) {
    const currencies = new Set([r?.min?.currency, r?.max?.currency].filter(Boolean));
    if (currencies.size > 1) throw ValidationError.field(field, 'min and max must be in one currency');
    if (currencies.size === 1) and.push({ metricsCurrency: [...currencies][0] });
    range(r, column, (m) => m.amountMinor);
  }
  for (const [r, column] of [
    [filter.firstOrderAt, 'firstOrderAt'],
    [filter.lastOrderAt, 'lastOrderAt'],
  ] as const) {
    if (r?.min) and.push({ [column]: { $gte: r.min } });
    if (r?.max) and.push({ [column]: { $lt: r.max } });
  }
  return and;
}

function escapeLike(word: string): string {
  return word.replace(/[\\%_]/g, (c) => `\\${c}`);
}
