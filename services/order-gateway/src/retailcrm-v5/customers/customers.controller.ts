import { Body, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { CustomerJson } from '@openretail/contracts';
import { customersV1, dateFromTimestamp } from '@openretail/grpc';
import { CurrentPrincipal, RequirePermission, type Principal } from '../../access';
import { IDENTITY_CLIENT, type IdentityClient } from '../../customer-identity/identity-client';
import { CUSTOMERS_CLIENT, type CustomersClient } from '../../customers/customers-client';
import { callerOf } from '../../orders/caller';
import { CompatController, renamingFields } from '../wire/compat-controller';
import { formatCrmDateTime } from '../wire/dates';
import { CompatError, describeFailure, type CrmErrors } from '../wire/errors';
import { dateRange, filterParams, refuseUnknownFilters } from '../wire/filters';
import { fixExternalIds } from '../wire/fix-external-ids';
import {
  bodyParams,
  byParam,
  jsonListParam,
  jsonObjectParam,
  listParam,
  numericId,
  pageParams,
  pagination,
  paramsFromQuery,
  stringParam,
  type Params,
} from '../wire/params';
import { ReferenceSnapshot, type Reference } from '../wire/reference-snapshot';
import { resolveSite } from '../wire/site';
import { isObject, text, type CrmObject } from '../wire/values';
import { CustomerDirectory, customerKey, customerKeyOfRef, siteOf } from './customer-directory';
import { customersFilterFromCrm } from './customer-filters';
import { customerHistoryEntryToCrm } from './customer-history-mapping';
import {
  crmCustomerFieldName,
  customerEditFromCrm,
  customerFromCrm,
  customerToCrm,
  noteToCrm,
  type CustomerMappingContext,
} from './customer-mapping';

const fromProto = (c: customersV1.Customer__Output) => customersV1.customerFromProto(c);
/** A batch of RetailCRM's upload holds at most this many customers. */
const UPLOAD_LIMIT = 50;
const HISTORY_FILTERS = new Set(['sinceId', 'customerId', 'customerExternalId', 'startDate', 'endDate']);
const NOTE_FILTERS = new Set(['customerIds', 'customerExternalIds']);

/**
 * RetailCRM API v5 individual customers: `/api/v5/customers...`. Each route translates the request
 * into the customers service's gRPC commands (the ones the native API uses) and the answer back;
 * the customers service applies every rule and names every bad field.
 */
@CompatController('v5/customers')
export class CrmCustomersController {
  constructor(
    @Inject(CUSTOMERS_CLIENT) private readonly customers: CustomersClient,
    @Inject(IDENTITY_CLIENT) private readonly identity: IdentityClient,
    private readonly directory: CustomerDirectory,
    private readonly reference: ReferenceSnapshot,
  ) {}

  /** GET /api/v5/customers: filter[...], limit (20, 50, 100), page; newest first. */
  @Get()
  @RequirePermission('customers:read')
  async list(@Query() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const params = paramsFromQuery(raw);
    const page = pageParams(params);
    const ref = await this.reference.get();
    const reachable = ref.data.sites
      .map((s) => s.code)
      .filter((s) => principal.sites === 'all' || principal.sites.includes(s));
    const filter = customersFilterFromCrm(params.filter, ref.data, ref.timeZone, reachable);
    const res = await this.customers.call('ListCustomers', {
      caller: callerOf(principal),
      ...filter,
      pageSize: page.limit,
      offset: (page.page - 1) * page.limit,
      countTotal: true,
    });
    const ctx = contextOf(ref);
    return {
      success: true,
      pagination: pagination(page, Number(res.totalCount)),
      customers: res.customers.map((c) => customerToCrm(fromProto(c), ctx)),
    };
  }

  /** POST /api/v5/customers/create: customer=<json>, site. 201 with the new customer's id. */
  @Post('create')
  @HttpCode(201)
  @RequirePermission('customers:write')
  async create(@Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    const params = bodyParams(body);
    const input = jsonObjectParam(params, 'customer');
    const customer = await this.createOne(
      input,
      siteOf(params, input),
      principal,
      await this.reference.get(),
    );
    return { success: true, id: customer.numericId };
  }

  /**
   * GET /api/v5/customers/history: changes of individual customers after filter[sinceId], oldest
   * first, optionally of one customer and within filter[startDate]..filter[endDate]. Page N is
   * reached by following the cursor from page 1.
   */
  @Get('history')
  @RequirePermission('customers:read')
  async history(@Query() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const params = paramsFromQuery(raw);
    const page = pageParams(params);
    const ref = await this.reference.get();
    const filter = filterParams(params.filter);
    refuseUnknownFilters(filter, HISTORY_FILTERS);
    const sinceText = stringParam(filter, 'sinceId');
    const sinceId = sinceText ? Number(sinceText) : 0;
    if (!Number.isSafeInteger(sinceId) || sinceId < 0)
      throw CompatError.parameter('filter[sinceId]', 'must be a whole number');
    const violations: { field: string; reason: string }[] = [];
    const window = dateRange(filter, 'startDate', 'endDate', ref.timeZone, violations);
    if (violations.length > 0) throw CompatError.parameter(violations[0].field, violations[0].reason);
    const customerId = await this.historyCustomer(filter, params, principal, ref);
    const caller = callerOf(principal);
    let cursor = sinceId;
    let totalCount = 0;
    let entries: customersV1.HistoryEntry__Output[] = [];
    for (let p = 1; p <= page.page; p++) {
      const res = await this.customers.call('ListCustomerHistory', {
        caller,
        afterId: cursor,
        limit: page.limit,
        customerId,
        customerKind: 'individual',
        from: window.from,
        to: window.to,
        countTotal: p === 1,
      });
      if (p === 1) totalCount = Number(res.totalCount);
      entries = res.entries;
      cursor = Number(res.lastId);
      if (p < page.page && res.entries.length < page.limit) {
        entries = [];
        break;
      }
    }
    const parsed = entries.map((e) => ({
      id: Number(e.id),
      customerId: e.customerId,
      site: e.site,
      field: e.field,
      oldValue: JSON.parse(e.oldValue) as unknown,
      newValue: JSON.parse(e.newValue) as unknown,
      userId: e.userId || undefined,
      source: e.source,
      apiKeyId: e.apiKeyId || undefined,
      at: dateFromTimestamp(e.at, 'at'),
    }));
    // The customers the entries name, and the survivors of merges among them.
    const named = parsed.flatMap((e) => [
      e.customerId,
      ...(e.field === 'mergedInto' && typeof e.newValue === 'string' ? [e.newValue] : []),
    ]);
    const customers = await this.directory.byIds(named, principal);
    const ctx = { ...contextOf(ref), apiKeyId: principal.keyId };
    return {
      success: true,
      generatedAt: formatCrmDateTime(new Date(), ref.timeZone),
      history: parsed.map((e) => customerHistoryEntryToCrm(e, customers, ctx)),
      pagination: pagination(page, totalCount),
    };
  }

  /**
   * POST /api/v5/customers/upload: customers=<json list> (at most 50), site. Each customer is
   * created on its own: the good ones are stored; with any failure the answer is 460 (400 when none
   * was stored) with `errors` by position, `uploadedCustomers` and `failedCustomers`.
   */
  @Post('upload')
  @HttpCode(201)
  @RequirePermission('customers:write')
  async upload(@Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    const params = bodyParams(body);
    const list = jsonListParam(params, 'customers');
    if (list.length === 0) throw CompatError.parameter('customers', 'must hold at least one customer');
    if (list.length > UPLOAD_LIMIT)
      throw CompatError.parameter('customers', `at most ${UPLOAD_LIMIT} customers at a time`);
    const ref = await this.reference.get();
    const uploadedCustomers: { id?: number; externalId?: string }[] = [];
    const failedCustomers: { externalId?: string }[] = [];
    const errors: CrmErrors = {};
    for (const [i, raw] of list.entries()) {
      const externalId = isObject(raw) ? text(raw.externalId) : undefined;
      try {
        if (!isObject(raw)) throw CompatError.parameter(`customers[${i}]`, 'must be a customer object');
        const customer = await this.createOne(raw, siteOf(params, raw), principal, ref);
        uploadedCustomers.push({
          id: customer.numericId,
          ...(customer.externalId ? { externalId: customer.externalId } : {}),
        });
      } catch (e) {
        const who = externalId === undefined ? '' : `Customer externalId=${externalId}: `;
        errors[String(i)] = who + describeFailure(e, crmCustomerFieldName);
        failedCustomers.push(externalId === undefined ? {} : { externalId });
      }
    }
    if (Object.keys(errors).length > 0) {
      throw new CompatError(
        uploadedCustomers.length > 0 ? 460 : 400,
        'Customers are loaded with errors',
        errors,
        { uploadedCustomers, failedCustomers },
      );
    }
    return { success: true, uploadedCustomers };
  }

  /**
   * POST /api/v5/customers/combine: customers=[{id}, ...] merged into resultCustomer={id} (or
   * {externalId} with site), by the customers service's merge: the survivor keeps the union of
   * their contacts, tags and notes, their orders move to it, and the others are gone.
   */
  @Post('combine')
  @HttpCode(200)
  @RequirePermission('customers:merge')
  async combine(@Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    const params = bodyParams(body);
    const merged = jsonListParam(params, 'customers');
    const result = jsonObjectParam(params, 'resultCustomer');
    if (merged.length === 0)
      throw CompatError.parameter('customers', 'name at least one customer to combine');
    const ref = await this.reference.get();
    const site = stringParam(params, 'site');
    const idOf = async (reference: unknown, field: string) => {
      const key = customerKeyOfRef(reference, field, site, principal, ref.data);
      if (!key) throw CompatError.parameter(field, 'name the customer by id or externalId');
      return (await this.directory.get(key, principal)).id;
    };
    const survivorId = await idOf(result, 'resultCustomer');
    const others = await Promise.all(merged.map((c, i) => idOf(c, `customers[${i}]`)));
    const customerIds = [...new Set([survivorId, ...others])];
    if (customerIds.length < 2)
      throw CompatError.parameter('customers', 'name customers other than resultCustomer');
    await this.identity.call('MergeCustomers', { caller: callerOf(principal), customerIds, survivorId });
    return { success: true };
  }

  /** POST /api/v5/customers/fix-external-ids: customers=[{id, externalId}]: sets each customer's externalId. */
  @Post('fix-external-ids')
  @HttpCode(200)
  @RequirePermission('customers:write')
  async fixExternalIds(@Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    return fixExternalIds(
      body,
      'customers',
      (id, externalId) =>
        this.customers.call('UpdateCustomer', {
          caller: callerOf(principal),
          key: { numericId: id },
          customer: { externalId },
          updateMask: { paths: ['externalId'] },
        }),
      crmCustomerFieldName,
    );
  }

  /**
   * GET /api/v5/customers/notes: notes newest first, of filter[customerIds] / filter[customerExternalIds]
   * or of every customer the key reaches; limit and page.
   */
  @Get('notes')
  @RequirePermission('customers:read')
  async notes(@Query() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const params = paramsFromQuery(raw);
    const page = pageParams(params);
    const filter = filterParams(params.filter);
    refuseUnknownFilters(filter, NOTE_FILTERS);
    const numericIds = (listParam(filter, 'customerIds') ?? []).map((id, i) =>
      numericId(id, `filter[customerIds][${i}]`),
    );
    const externalIds = listParam(filter, 'customerExternalIds') ?? [];
    const named = numericIds.length + externalIds.length > 0;
    const customerIds = await this.directory.idsOf(numericIds, externalIds, [], principal);
    const ref = await this.reference.get();
    if (named && customerIds.length === 0) {
      return { success: true, pagination: pagination(page, 0), notes: [] };
    }
    const res = await this.customers.call('ListCustomerNotes', {
      caller: callerOf(principal),
      customerIds,
      pageSize: page.limit,
      offset: (page.page - 1) * page.limit,
      countTotal: true,
    });
    const notes = res.notes.map((n) => customersV1.noteFromProto(n));
    const customers = await this.directory.byIds(
      notes.flatMap((n) => (n.customerId ? [n.customerId] : [])),
      principal,
    );
    const ctx = contextOf(ref);
    return {
      success: true,
      pagination: pagination(page, Number(res.totalCount)),
      notes: notes.map((n) => noteToCrm(n, customers.get(n.customerId ?? ''), ctx)),
    };
  }

  /**
   * POST /api/v5/customers/notes/create: note={customer: {id} or {externalId}, text}, site. The
   * author is the acting user (a `managerId` sent is not taken: a key does not write for others).
   */
  @Post('notes/create')
  @HttpCode(201)
  @RequirePermission('customers:write')
  async createNote(@Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    const params = bodyParams(body);
    const note = jsonObjectParam(params, 'note');
    const ref = await this.reference.get();
    const key = customerKeyOfRef(
      note.customer,
      'note.customer',
      stringParam(params, 'site'),
      principal,
      ref.data,
    );
    if (!key) throw CompatError.parameter('note.customer', 'name the customer by id or externalId');
    const created = await renamingFields(
      (f) => (f === 'text' ? 'note.text' : f),
      () =>
        this.customers.call('AddCustomerNote', {
          caller: callerOf(principal),
          key,
          text: typeof note.text === 'string' ? note.text : '',
        }),
    );
    return { success: true, id: created.id };
  }

  /** POST /api/v5/customers/notes/{id}/delete. */
  @Post('notes/:id/delete')
  @HttpCode(200)
  @RequirePermission('customers:write')
  async deleteNote(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    await this.customers.call('DeleteCustomerNote', { caller: callerOf(principal), noteId: id });
    return { success: true };
  }

  /** GET /api/v5/customers/{externalId}?by=externalId|id&site=: one customer. */
  @Get(':id')
  @RequirePermission('customers:read')
  async get(@Param('id') id: string, @Query() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const params = paramsFromQuery(raw);
    const ref = await this.reference.get();
    const customer = await this.find(id, params, principal, ref);
    return { success: true, customer: customerToCrm(customer, contextOf(ref)) };
  }

  /** POST /api/v5/customers/{externalId}/edit: customer=<json> with the fields to change, by, site. */
  @Post(':id/edit')
  @HttpCode(200)
  @RequirePermission('customers:write')
  async edit(@Param('id') id: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    const params = bodyParams(body);
    const input = jsonObjectParam(params, 'customer');
    const ref = await this.reference.get();
    const current = await this.find(id, params, principal, ref);
    const edit = customerEditFromCrm(input, current, byParam(params), contextOf(ref));
    if (edit.mask.length > 0) {
      await renamingFields(crmCustomerFieldName, () =>
        this.customers.call('UpdateCustomer', {
          caller: callerOf(principal),
          key: { id: current.id },
          customer: customersV1.customerToProto(edit.customer),
          updateMask: { paths: edit.mask },
          expectedVersion: current.version,
        }),
      );
    }
    return { success: true, id: current.numericId };
  }

  /** The customer a path names: by externalId (on the site) or by id. */
  private async find(
    id: string,
    params: Params,
    principal: Principal,
    ref: Reference,
  ): Promise<CustomerJson> {
    const by = byParam(params);
    const site = stringParam(params, 'site');
    const key = customerKey(id, by, site, principal, ref.data);
    return this.directory.get(key, principal, by === 'id' ? site : undefined);
  }

  /** The customer filter[customerId] or filter[customerExternalId] (with site) names, if any. */
  private async historyCustomer(
    filter: Params,
    params: Params,
    principal: Principal,
    ref: Reference,
  ): Promise<string | undefined> {
    const id = stringParam(filter, 'customerId');
    const externalId = stringParam(filter, 'customerExternalId');
    if (!id && !externalId) return undefined;
    const key = id
      ? { numericId: numericId(id, 'filter[customerId]') }
      : {
          external: {
            site: resolveSite(principal, stringParam(params, 'site'), ref.data),
            externalId: externalId!,
          },
        };
    return (await this.directory.get(key, principal)).id;
  }

  /** Creates one RetailCRM customer on the site it names (or the key's one site). */
  private async createOne(
    input: CrmObject,
    siteParam: string | undefined,
    principal: Principal,
    ref: Reference,
  ): Promise<CustomerJson> {
    const site = resolveSite(principal, siteParam, ref.data);
    const customer = customerFromCrm(input, site, contextOf(ref));
    return fromProto(
      await renamingFields(crmCustomerFieldName, () =>
        this.customers.call('CreateCustomer', {
          caller: callerOf(principal),
          customer: customersV1.customerToProto(customer),
          idempotencyKey: `gw-${randomUUID()}`,
        }),
      ),
    );
  }
}

export function contextOf(ref: Reference): CustomerMappingContext {
  return { timeZone: ref.timeZone };
}
