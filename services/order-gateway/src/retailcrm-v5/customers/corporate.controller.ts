import { Body, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { CorporateCustomerJson, CustomerJson } from '@openretail/contracts';
import { customersV1 } from '@openretail/grpc';
import { CurrentPrincipal, RequirePermission, type Principal } from '../../access';
import { CUSTOMERS_CLIENT, type CustomersClient } from '../../customers/customers-client';
import { callerOf } from '../../orders/caller';
import { CompatController, renamingFields } from '../wire/compat-controller';
import { CompatError } from '../wire/errors';
import { filterParams, refuseUnknownFilters } from '../wire/filters';
import {
  bodyParams,
  byParam,
  jsonObjectParam,
  listParam,
  numericId,
  pageParams,
  pagination,
  paramsFromQuery,
  stringParam,
  type PageParams,
  type Params,
} from '../wire/params';
import { ReferenceSnapshot, type Reference } from '../wire/reference-snapshot';
import { resolveSite } from '../wire/site';
import { Problems, isObject } from '../wire/values';
import { CustomerDirectory, customerKey, customerKeyOfRef, siteOf } from './customer-directory';
import { addressToCrm, withoutEmpty } from './customer-mapping';
import {
  companyFromCrm,
  companyToCrm,
  contactCompanyFromCrm,
  contactToCrm,
  corporateAddressFromCrm,
  corporateContactsFromCrm,
  corporateEditFromCrm,
  corporateFromCrm,
  corporateToCrm,
  crmCorporateFieldName,
} from './corporate-mapping';
import { contextOf } from './customers.controller';

const fromProto = (c: customersV1.CorporateCustomer__Output) => customersV1.corporateCustomerFromProto(c);
const LIST_FILTERS = new Set([
  'ids',
  'externalIds',
  'nickName',
  'sites',
  'managers',
  'contragentInn',
  'contactIds',
]);

/** `entityBy`: how the path names a company, contact or address (their ids here; contacts also by externalId). */
function entityBy(params: Params, externalIdAllowed: boolean): 'id' | 'externalId' {
  const by = stringParam(params, 'entityBy') ?? (externalIdAllowed ? 'externalId' : 'id');
  if (by === 'id' || (by === 'externalId' && externalIdAllowed)) return by;
  throw CompatError.parameter(
    'entityBy',
    externalIdAllowed
      ? `Value "${by}" is not valid. Allowed values are id, externalId`
      : 'companies and addresses have no externalId here: name them by=id',
  );
}

/** One page of a corporate customer's parts (a few dozen at most, so paged here). */
function pageOf<T>(items: readonly T[], page: PageParams) {
  const start = (page.page - 1) * page.limit;
  return { items: items.slice(start, start + page.limit), pagination: pagination(page, items.length) };
}

/**
 * RetailCRM API v5 corporate customers: `/api/v5/customers-corporate...`, with their companies,
 * contact persons and addresses. Translation only; the customers service applies every rule.
 */
@CompatController('v5/customers-corporate')
export class CrmCorporateController {
  constructor(
    @Inject(CUSTOMERS_CLIENT) private readonly customers: CustomersClient,
    private readonly directory: CustomerDirectory,
    private readonly reference: ReferenceSnapshot,
  ) {}

  /** GET /api/v5/customers-corporate: filter[...], limit, page; newest first. */
  @Get()
  @RequirePermission('customers:read')
  async list(@Query() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const params = paramsFromQuery(raw);
    const page = pageParams(params);
    const filter = filterParams(params.filter);
    refuseUnknownFilters(filter, LIST_FILTERS);
    const names = listParam(filter, 'nickName') ?? [];
    if (names.length > 1) throw CompatError.parameter('filter[nickName]', 'one name at a time here');
    const managers = listParam(filter, 'managers') ?? [];
    if (managers.length > 1)
      throw CompatError.parameter('filter[managers]', 'at most one manager at a time here');
    const contacts = listParam(filter, 'contactIds') ?? [];
    if (contacts.length > 1) throw CompatError.parameter('filter[contactIds]', 'one contact at a time here');
    const contact = contacts.length
      ? (await this.directory.get({ numericId: numericId(contacts[0], 'filter[contactIds][0]') }, principal))
          .id
      : undefined;
    const res = await this.customers.call('ListCorporateCustomers', {
      caller: callerOf(principal),
      sites: listParam(filter, 'sites') ?? [],
      name: names[0],
      inn: stringParam(filter, 'contragentInn'),
      contactCustomerId: contact,
      managerId: managers[0],
      numericIds: (listParam(filter, 'ids') ?? []).map((id, i) => numericId(id, `filter[ids][${i}]`)),
      externalIds: listParam(filter, 'externalIds') ?? [],
      pageSize: page.limit,
      offset: (page.page - 1) * page.limit,
      countTotal: true,
    });
    const corporates = res.corporateCustomers.map(fromProto);
    const people = await this.people(corporates, principal);
    const ctx = contextOf(await this.reference.get());
    return {
      success: true,
      pagination: pagination(page, Number(res.totalCount)),
      customersCorporate: corporates.map((c) => corporateToCrm(c, people, ctx)),
    };
  }

  /**
   * POST /api/v5/customers-corporate/create: customerCorporate=<json>, site. Its contact persons
   * name individual customers ({id} or {externalId}); 201 with the new id.
   */
  @Post('create')
  @HttpCode(201)
  @RequirePermission('customers:write')
  async create(@Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    const params = bodyParams(body);
    const input = jsonObjectParam(params, 'customerCorporate');
    const ref = await this.reference.get();
    const site = resolveSite(principal, siteOf(params, input), ref.data);
    const corporate = corporateFromCrm(input, site);
    const contacts = await Promise.all(
      corporateContactsFromCrm(input).map(async ({ customer, main }, i) => {
        const key = customerKeyOfRef(customer, `customerContacts[${i}].customer`, site, principal, ref.data);
        if (!key)
          throw CompatError.parameter(
            `customerContacts[${i}].customer`,
            'name the customer by id or externalId',
          );
        return { customerId: (await this.directory.get(key, principal)).id, main };
      }),
    );
    const created = await renamingFields(crmCorporateFieldName, () =>
      this.customers.call('CreateCorporateCustomer', {
        caller: callerOf(principal),
        corporateCustomer: customersV1.corporateCustomerToProto({ ...corporate, contacts }),
        idempotencyKey: `gw-${randomUUID()}`,
      }),
    );
    return { success: true, id: Number(created.numericId) };
  }

  /** GET /api/v5/customers-corporate/{externalId}?by=externalId|id&site=. */
  @Get(':id')
  @RequirePermission('customers:read')
  async get(@Param('id') id: string, @Query() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const params = paramsFromQuery(raw);
    const ref = await this.reference.get();
    const corporate = await this.find(id, params, principal, ref);
    const people = await this.people([corporate], principal);
    return { success: true, customerCorporate: corporateToCrm(corporate, people, contextOf(ref)) };
  }

  /** POST /api/v5/customers-corporate/{externalId}/edit: customerCorporate=<json>, by, site. */
  @Post(':id/edit')
  @HttpCode(200)
  @RequirePermission('customers:write')
  async edit(@Param('id') id: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    const params = bodyParams(body);
    const input = jsonObjectParam(params, 'customerCorporate');
    const current = await this.find(id, params, principal, await this.reference.get());
    const edit = corporateEditFromCrm(input, current, byParam(params));
    if (edit.mask.length > 0) {
      await renamingFields(crmCorporateFieldName, () =>
        this.customers.call('UpdateCorporateCustomer', {
          caller: callerOf(principal),
          key: { id: current.id },
          corporateCustomer: customersV1.corporateCustomerToProto(edit.corporate),
          updateMask: { paths: edit.mask },
          expectedVersion: current.version,
        }),
      );
    }
    return { success: true, id: current.numericId };
  }

  /** GET /api/v5/customers-corporate/{id}/companies: filter[ids][], limit, page. */
  @Get(':id/companies')
  @RequirePermission('customers:read')
  async companies(@Param('id') id: string, @Query() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const params = paramsFromQuery(raw);
    const filter = filterParams(params.filter);
    refuseUnknownFilters(filter, new Set(['ids']));
    const ref = await this.reference.get();
    const corporate = await this.find(id, params, principal, ref);
    const ids = listParam(filter, 'ids');
    const companies = (corporate.companies ?? []).filter((c) => !ids || ids.includes(c.id ?? ''));
    const { items, pagination } = pageOf(companies, pageParams(params));
    const owner = {
      site: corporate.site,
      id: corporate.numericId,
      externalId: corporate.externalId,
      type: 'customer_corporate',
    };
    return {
      success: true,
      companies: items.map((c) => ({ ...companyToCrm(c, contextOf(ref)), customer: owner })),
      pagination,
    };
  }

  /** POST /api/v5/customers-corporate/{id}/companies/create: company=<json>, by, site; 201 with its id. */
  @Post(':id/companies/create')
  @HttpCode(201)
  @RequirePermission('customers:write')
  async createCompany(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    const params = bodyParams(body);
    const problems = new Problems();
    const company = companyFromCrm(jsonObjectParam(params, 'company'), 'company', problems);
    problems.throwIfAny();
    const current = await this.find(id, params, principal, await this.reference.get());
    const updated = await this.change(current, principal, (caller, key, expectedVersion) =>
      this.customers.call('AddCorporateCompany', {
        caller,
        key,
        company: customersV1.companyToProto(withoutEmpty(company)),
        expectedVersion,
      }),
    );
    return { success: true, id: added(current.companies, updated.companies) };
  }

  /** POST /api/v5/customers-corporate/{id}/companies/{companyId}/edit: company=<json>, by, entityBy=id, site. */
  @Post(':id/companies/:companyId/edit')
  @HttpCode(200)
  @RequirePermission('customers:write')
  async editCompany(
    @Param('id') id: string,
    @Param('companyId') companyId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    const params = bodyParams(body);
    entityBy(params, false);
    const problems = new Problems();
    const company = companyFromCrm(jsonObjectParam(params, 'company'), 'company', problems);
    problems.throwIfAny();
    const mask = Object.keys(company);
    if (mask.length === 0) throw CompatError.parameter('company', 'name at least one field to change');
    const current = await this.find(id, params, principal, await this.reference.get());
    await this.change(current, principal, (caller, key, expectedVersion) =>
      this.customers.call('UpdateCorporateCompany', {
        caller,
        key,
        company: customersV1.companyToProto({ ...withoutEmpty(company), id: companyId }),
        updateMask: { paths: mask },
        expectedVersion,
      }),
    );
    return { success: true, id: companyId };
  }

  /** GET /api/v5/customers-corporate/{id}/contacts: filter[contactIds][], filter[contactExternalIds][], limit, page. */
  @Get(':id/contacts')
  @RequirePermission('customers:read')
  async contacts(@Param('id') id: string, @Query() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const params = paramsFromQuery(raw);
    const filter = filterParams(params.filter);
    refuseUnknownFilters(filter, new Set(['contactIds', 'contactExternalIds']));
    const corporate = await this.find(id, params, principal, await this.reference.get());
    const people = await this.people([corporate], principal);
    const ids = listParam(filter, 'contactIds');
    const externalIds = listParam(filter, 'contactExternalIds');
    const contacts = (corporate.contacts ?? []).filter((c) => {
      const person = people.get(c.customerId ?? '');
      if (!ids && !externalIds) return true;
      return (
        (ids ?? []).includes(String(person?.numericId)) ||
        (externalIds ?? []).includes(person?.externalId ?? '')
      );
    });
    const { items, pagination } = pageOf(contacts, pageParams(params));
    return {
      success: true,
      contacts: items.map((c) => contactToCrm(c, people.get(c.customerId ?? ''), corporate.companies ?? [])),
      pagination,
    };
  }

  /**
   * POST /api/v5/customers-corporate/{id}/contacts/create: contact={customer: {id} or {externalId},
   * isMain, companies: [{id}]}, by, site; 201 with the contact's id (its customer's id).
   */
  @Post(':id/contacts/create')
  @HttpCode(201)
  @RequirePermission('customers:write')
  async createContact(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    const params = bodyParams(body);
    const contact = jsonObjectParam(params, 'contact');
    const ref = await this.reference.get();
    const current = await this.find(id, params, principal, ref);
    const key = customerKeyOfRef(contact.customer, 'contact.customer', current.site, principal, ref.data);
    if (!key) throw CompatError.parameter('contact.customer', 'name the customer by id or externalId');
    const person = await this.directory.get(key, principal);
    const problems = new Problems();
    const companyId = contactCompanyFromCrm(contact, 'contact', problems);
    const main = contact.isMain === true || contact.isMain === 1 || contact.isMain === '1';
    problems.throwIfAny();
    await this.change(current, principal, (caller, corporateKey, expectedVersion) =>
      this.customers.call('AddCorporateContact', {
        caller,
        key: corporateKey,
        contact: { customerId: person.id, main, companyId: companyId || undefined },
        expectedVersion,
      }),
    );
    return { success: true, id: person.numericId };
  }

  /**
   * POST /api/v5/customers-corporate/{id}/contacts/{contactId}/edit: contact={isMain, companies},
   * by, entityBy (the contact's customer id or externalId), site.
   */
  @Post(':id/contacts/:contactId/edit')
  @HttpCode(200)
  @RequirePermission('customers:write')
  async editContact(
    @Param('id') id: string,
    @Param('contactId') contactId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    const params = bodyParams(body);
    const contact = jsonObjectParam(params, 'contact');
    const ref = await this.reference.get();
    const current = await this.find(id, params, principal, ref);
    const person = await this.directory.get(
      entityBy(params, true) === 'id'
        ? { numericId: numericId(contactId, 'contactId') }
        : { external: { site: current.site ?? '', externalId: contactId } },
      principal,
    );
    const problems = new Problems();
    const fields: Record<string, unknown> = {};
    if (isObject(contact) && contact.isMain !== undefined)
      fields.main = contact.isMain === true || contact.isMain === 1 || contact.isMain === '1';
    const companyId = contactCompanyFromCrm(contact, 'contact', problems);
    if (companyId !== undefined) fields.companyId = companyId || undefined;
    problems.throwIfAny();
    const mask = Object.keys(fields);
    if (mask.length === 0) throw CompatError.parameter('contact', 'name isMain or companies to change');
    await this.change(current, principal, (caller, key, expectedVersion) =>
      this.customers.call('UpdateCorporateContact', {
        caller,
        key,
        contact: { ...fields, customerId: person.id },
        updateMask: { paths: mask },
        expectedVersion,
      }),
    );
    return { success: true, id: person.numericId };
  }

  /** GET /api/v5/customers-corporate/{id}/addresses: filter[ids][], limit, page. */
  @Get(':id/addresses')
  @RequirePermission('customers:read')
  async addresses(@Param('id') id: string, @Query() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const params = paramsFromQuery(raw);
    const filter = filterParams(params.filter);
    refuseUnknownFilters(filter, new Set(['ids']));
    const corporate = await this.find(id, params, principal, await this.reference.get());
    const ids = listParam(filter, 'ids');
    const addresses = (corporate.addresses ?? []).filter((a) => !ids || ids.includes(a.id ?? ''));
    const { items, pagination } = pageOf(addresses, pageParams(params));
    return {
      success: true,
      addresses: items.map((a) => ({ ...addressToCrm(a), isMain: a.main ?? false })),
      pagination,
    };
  }

  /** POST /api/v5/customers-corporate/{id}/addresses/create: address=<json>, by, site; 201 with its id. */
  @Post(':id/addresses/create')
  @HttpCode(201)
  @RequirePermission('customers:write')
  async createAddress(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    const params = bodyParams(body);
    const problems = new Problems();
    const address = withoutEmpty(corporateAddressFromCrm(jsonObjectParam(params, 'address'), problems));
    problems.throwIfAny();
    const current = await this.find(id, params, principal, await this.reference.get());
    const updated = await this.change(current, principal, (caller, key, expectedVersion) =>
      this.customers.call('AddCorporateAddress', { caller, key, address, expectedVersion }),
    );
    return { success: true, id: added(current.addresses, updated.addresses) };
  }

  /** POST /api/v5/customers-corporate/{id}/addresses/{addressId}/edit: address=<json>, by, entityBy=id, site. */
  @Post(':id/addresses/:addressId/edit')
  @HttpCode(200)
  @RequirePermission('customers:write')
  async editAddress(
    @Param('id') id: string,
    @Param('addressId') addressId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    const params = bodyParams(body);
    entityBy(params, false);
    const problems = new Problems();
    const address = corporateAddressFromCrm(jsonObjectParam(params, 'address'), problems);
    problems.throwIfAny();
    const mask = Object.keys(address);
    if (mask.length === 0) throw CompatError.parameter('address', 'name at least one field to change');
    const current = await this.find(id, params, principal, await this.reference.get());
    await this.change(current, principal, (caller, key, expectedVersion) =>
      this.customers.call('UpdateCorporateAddress', {
        caller,
        key,
        address: { ...withoutEmpty(address), id: addressId },
        updateMask: { paths: mask },
        expectedVersion,
      }),
    );
    return { success: true, id: addressId };
  }

  /** The corporate customer a path names: by externalId (on the site) or by id. */
  private async find(id: string, params: Params, principal: Principal, ref: Reference) {
    const by = byParam(params);
    const site = stringParam(params, 'site');
    const corporate = fromProto(
      await this.customers.call('GetCorporateCustomer', {
        caller: callerOf(principal),
        key: customerKey(id, by, site, principal, ref.data),
      }),
    );
    if (corporate.mergedInto || (by === 'id' && site && corporate.site !== site))
      throw CompatError.notFound();
    return corporate;
  }

  /** One change of a part, on the version read, bad fields named as RetailCRM names them. */
  private async change(
    current: CorporateCustomerJson,
    principal: Principal,
    call: (
      caller: ReturnType<typeof callerOf>,
      key: customersV1.CustomerKey,
      expectedVersion: number | undefined,
    ) => Promise<customersV1.CorporateCustomer__Output>,
  ): Promise<CorporateCustomerJson> {
    return fromProto(
      await renamingFields(crmCorporateFieldName, () =>
        call(callerOf(principal), { id: current.id }, current.version),
      ),
    );
  }

  /** The individual customers the corporate customers' contacts are. */
  private people(
    corporates: readonly CorporateCustomerJson[],
    principal: Principal,
  ): Promise<Map<string, CustomerJson>> {
    return this.directory.byIds(
      corporates.flatMap((c) =>
        (c.contacts ?? []).flatMap((contact) => (contact.customerId ? [contact.customerId] : [])),
      ),
      principal,
    );
  }
}

/** The id of the part a change added: the one the list after it has and the list before it had not. */
function added(
  before: readonly { id?: string }[] | undefined,
  after: readonly { id?: string }[] | undefined,
) {
  const known = new Set((before ?? []).map((p) => p.id));
  return (after ?? []).find((p) => !known.has(p.id))?.id;
}
