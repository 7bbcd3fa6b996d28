import { Inject, Injectable } from '@nestjs/common';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { LockMode, MikroORM, type EntityManager, type FilterQuery } from '@mikro-orm/postgresql';
import {
  ConflictError,
  PreconditionError,
  ValidationError,
  newId,
  type FieldViolation,
} from '@openretail/contracts';
import { recordEvents } from '@openretail/messaging';
import { recordHistory } from '../history/history-rows';
import type { CommandContext } from '../profiles/customer-commands';
import { searchKey } from '../profiles/customer-state';
import { Customer } from '../profiles/customer.entity';
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
  checkUuid,
  decodePageToken,
  encodePageToken,
} from '../shared/requests';
import {
  planCorporateCommand,
  planCorporateCreate,
  type CorporateCommand,
  type PlannedCorporateChange,
} from './corporate-commands';
import { CorporateCustomer } from './corporate-customer.entity';
import { corporateEventsOf } from './corporate-events';
import { CorporateCompany, CorporateContact } from './corporate-parts.entity';
import {
  corporateColumnsOf,
  corporateStateOf,
  corporateViewOf,
  loadCorporate,
  partsOf,
  syncParts,
} from './corporate-rows';
import type { CorporateState, CorporateView } from './corporate-state';

export interface CorporateFilter {
  sites?: string[];
  name?: string;
  inn?: string;
  contactCustomerId?: string;
  managerId?: string;
  includeMerged?: boolean;
  pageSize?: number;
  pageToken?: string;
  /** Any of these, by numeric id or external id. */
  numericIds?: number[];
  externalIds?: string[];
  offset?: number;
  countTotal?: boolean;
}

/**
 * Runs the commands on corporate customers: the corporate customer row is locked, the domain plans
 * the change, and the row, its companies and contacts, the history entries and the event are
 * written in one transaction.
 */
@Injectable()
export class CorporateCustomersService {
  constructor(
    private readonly orm: MikroORM,
    @Inject(REFERENCE_DATA) private readonly referenceData: ReferenceDataProvider,
  ) {}

  /** Creates a corporate customer; retries are safe as for individual customers (idempotency key, externalId). */
  async create(input: unknown, caller: Caller, idempotencyKey?: string): Promise<CorporateView> {
    const ref = await this.referenceData.get();
    const draft = draftOf(input, checkIdempotencyKey(idempotencyKey));
    const earlier = () =>
      earlierCreate(this.orm.em.fork(), CorporateCustomer, draft, caller, 'corporate customer');
    const existing = await earlier();
    if (existing) return this.viewOf(this.orm.em.fork(), existing);
    const plan = planCorporateCreate(input, this.context(ref, caller), newId());
    try {
      return await this.orm.em.fork().transactional(async (em) => {
        await this.checkNewContacts(em, plan, 'contacts');
        const row = em.create(CorporateCustomer, {
          ...corporateColumnsOf(plan.after),
          id: plan.after.id,
          site: plan.after.site,
          idempotencyKey: draft.key ?? null,
          requestFingerprint: draft.fingerprint,
          createdAt: plan.after.createdAt,
          version: 1,
        } as CorporateCustomer);
        syncParts(em, { companies: [], contacts: [] }, plan.after);
        // The rows first: a racing duplicate fails at its unique index before it takes history ids.
        await em.flush();
        await this.record(em, plan, caller, 1);
        return corporateViewOf({ row, companies: [], contacts: [] }, plan.after);
      });
    } catch (e) {
      if (!(e instanceof UniqueConstraintViolationException)) throw e;
      const raced = await earlier();
      if (!raced) throw new ConflictError('the corporate customer could not be created: retry the request');
      return this.viewOf(this.orm.em.fork(), raced);
    }
  }

  async get(key: CustomerKey, caller: Caller): Promise<CorporateView> {
    return corporateViewOf(await loadCorporate(this.orm.em.fork(), key, caller));
  }

  /** Runs an edit or a change of companies, contacts or addresses. */
  async execute(
    key: CustomerKey,
    command: CorporateCommand,
    caller: Caller,
    expectedVersion?: number,
  ): Promise<CorporateView> {
    const ref = await this.referenceData.get();
    try {
      return await this.orm.em.fork().transactional(async (em) => {
        const rows = await loadCorporate(em, key, caller, LockMode.PESSIMISTIC_WRITE);
        const { row } = rows;
        if (expectedVersion !== undefined && row.version !== expectedVersion) {
          throw new ConflictError(
            `corporate customer ${row.id} is at version ${row.version}, not ${expectedVersion}: reload it and apply your change again`,
          );
        }
        if (row.mergedInto) {
          throw new PreconditionError(
            `corporate customer ${row.id} was merged into ${row.mergedInto}: change that one`,
          );
        }
        const plan = planCorporateCommand(corporateStateOf(rows), command, this.context(ref, caller));
        if (plan.noop) return corporateViewOf(rows);
        await this.checkNewContacts(em, plan, command.kind === 'contact-add' ? 'contact' : 'contacts');
        const version = row.version + 1;
        em.assign(row, { ...corporateColumnsOf(plan.after), version });
        syncParts(em, rows, plan.after);
        await em.flush(); // an externalId taken by another corporate customer fails here, before history ids are taken
        await this.record(em, plan, caller, version);
        return corporateViewOf(rows, plan.after);
      });
    } catch (e) {
      if (e instanceof UniqueConstraintViolationException) {
        throw new ConflictError('another corporate customer of this site already has that externalId');
      }
      throw e;
    }
  }

  /** Corporate customers newest first, paged by (createdAt, id). */
  async list(
    filter: CorporateFilter,
    caller: Caller,
  ): Promise<{ views: CorporateView[]; nextPageToken?: string; totalCount?: number }> {
    const ref = await this.referenceData.get();
    const pageSize = checkPageSize(filter.pageSize, 20, 100, 'pageSize');
    const em = this.orm.em.fork();
    const and: FilterQuery<CorporateCustomer>[] = [
      { site: { $in: readableSites(filter.sites, caller, ref.siteCodes) } },
    ];
    if (!filter.includeMerged) and.push({ mergedInto: null });
    if (filter.managerId) and.push({ managerId: filter.managerId });
    for (const word of searchKey(filter.name)?.split(' ') ?? []) {
      and.push({ nameKey: { $like: `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%` } });
    }
    if (filter.inn) {
      const companies = await em.find(
        CorporateCompany,
        { inn: filter.inn.trim() },
        { fields: ['corporateCustomerId'] },
      );
      and.push({ id: { $in: companies.map((c) => c.corporateCustomerId) } });
    }
    if (filter.contactCustomerId) {
      const customerId = checkUuid(filter.contactCustomerId, 'contactCustomerId');
      const contacts = await em.find(CorporateContact, { customerId });
      and.push({ id: { $in: contacts.map((c) => c.corporateCustomerId) } });
    }
    const anyOf: FilterQuery<CorporateCustomer>[] = [];
    if (filter.numericIds?.length) anyOf.push({ numericId: { $in: filter.numericIds } });
    if (filter.externalIds?.length) anyOf.push({ externalId: { $in: filter.externalIds } });
    if (anyOf.length > 0) and.push({ $or: anyOf });
    const offset = checkOffset(filter.offset, filter.pageToken);
    const totalCount = filter.countTotal ? await em.count(CorporateCustomer, { $and: and }) : undefined;
    if (filter.pageToken) {
      const after = decodePageToken(filter.pageToken);
      and.push({ $or: [{ createdAt: { $lt: after.at } }, { createdAt: after.at, id: { $lt: after.id } }] });
    }
    const rows = await em.find(
      CorporateCustomer,
      { $and: and },
      { orderBy: { createdAt: 'desc', id: 'desc' }, limit: pageSize + 1, offset },
    );
    const page = rows.slice(0, pageSize);
    const last = page[page.length - 1];
    return {
      views: (await partsOf(em, page)).map((r) => corporateViewOf(r)),
      nextPageToken: rows.length > pageSize ? encodePageToken(last.createdAt, last.id) : undefined,
      totalCount,
    };
  }

  private context(ref: CustomerReferenceData, caller: Caller): CommandContext {
    return { ref, caller, now: new Date(), newId };
  }

  private async viewOf(em: EntityManager, row: CorporateCustomer): Promise<CorporateView> {
    const [rows] = await partsOf(em, [row]);
    return corporateViewOf(rows);
  }

  /** A new contact person must be an individual customer of the same site that was not merged away. */
  private async checkNewContacts(
    em: EntityManager,
    plan: PlannedCorporateChange,
    field: 'contact' | 'contacts',
  ) {
    const known = new Set(plan.before?.contacts.map((c) => c.customerId) ?? []);
    const added = plan.after.contacts.flatMap((c, i) => (known.has(c.customerId) ? [] : [{ c, i }]));
    if (added.length === 0) return;
    const people = await em.find(
      Customer,
      { id: { $in: added.map(({ c }) => c.customerId) } },
      { fields: ['site', 'mergedInto'] },
    );
    const byId = new Map(people.map((p) => [p.id, p]));
    const problems: FieldViolation[] = [];
    for (const { c, i } of added) {
      const person = byId.get(c.customerId);
      const path = field === 'contact' ? 'contact.customerId' : `contacts[${i}].customerId`;
      if (!person || person.site !== plan.after.site) {
        problems.push({ field: path, reason: `no customer ${c.customerId} on site ${plan.after.site}` });
      } else if (person.mergedInto) {
        problems.push({
          field: path,
          reason: `customer ${c.customerId} was merged into ${person.mergedInto}`,
        });
      }
    }
    if (problems.length > 0) throw new ValidationError(problems);
  }

  private async record(em: EntityManager, plan: PlannedCorporateChange, caller: Caller, version: number) {
    const after: CorporateState = plan.after;
    recordHistory(
      em,
      { id: after.id, site: after.site, kind: 'corporate', version },
      plan.history,
      caller,
      after.updatedAt,
    );
    await recordEvents(em, corporateEventsOf(plan, caller, version));
  }
}
