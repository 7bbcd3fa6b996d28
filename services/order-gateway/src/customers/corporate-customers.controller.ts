import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { customersV1 } from '@openretail/grpc';
import { CurrentPrincipal, RequirePermission, type Principal } from '../access';
import { callerOf } from '../orders/caller';
import { header, idempotencyKeyHeader, ifMatchHeader } from '../orders/order-requests';
import { CUSTOMERS_CLIENT, type CustomersClient } from './customers-client';
import {
  addressBody,
  addressPatch,
  companyBody,
  companyPatch,
  contactBody,
  contactPatch,
  corporatePatch,
  createCorporateBody,
  customerHistoryQuery,
  listCorporateQuery,
  parseBody,
  toFlag,
} from './customer-requests';
import { corporateJson, corporateListJson, historyJson } from './customer-responses';

const byId = (id: string): customersV1.CustomerKey => ({ id });

/**
 * The public API of corporate customers: the buyer, its companies (legal entities with requisites),
 * its contact persons (individual customers) and addresses. Each change of a part is a change of the
 * corporate customer: a new version (If-Match applies), a history entry and an event.
 */
@Controller('v1/corporate-customers')
export class CorporateCustomersController {
  constructor(@Inject(CUSTOMERS_CLIENT) private readonly customers: CustomersClient) {}

  @Post()
  @HttpCode(201)
  @RequirePermission('customers:write')
  async create(
    @Body() raw: unknown,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') keyHeader?: string,
  ) {
    const corporate = parseBody(createCorporateBody, raw);
    return corporateJson(
      await this.customers.call('CreateCorporateCustomer', {
        caller: callerOf(principal),
        corporateCustomer: customersV1.corporateCustomerToProto(corporate),
        idempotencyKey: header(idempotencyKeyHeader, 'Idempotency-Key', keyHeader) ?? `gw-${randomUUID()}`,
      }),
    );
  }

  /** Newest first: by site, name, a company's INN, a contact person, manager. */
  @Get()
  @RequirePermission('customers:read')
  async list(@Query() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const q = parseBody(listCorporateQuery, raw);
    return corporateListJson(
      await this.customers.call('ListCorporateCustomers', {
        caller: callerOf(principal),
        sites: q.site,
        name: q.name,
        inn: q.inn,
        contactCustomerId: q.contactCustomerId,
        managerId: q.managerId,
        includeMerged: toFlag(q.includeMerged),
        pageSize: q.pageSize,
        pageToken: q.pageToken,
      }),
    );
  }

  @Get('by-external-id/:site/:externalId')
  @RequirePermission('customers:read')
  async getByExternalId(
    @Param('site') site: string,
    @Param('externalId') externalId: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    return corporateJson(
      await this.customers.call('GetCorporateCustomer', {
        caller: callerOf(principal),
        key: { external: { site, externalId } },
      }),
    );
  }

  @Get(':id')
  @RequirePermission('customers:read')
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return corporateJson(
      await this.customers.call('GetCorporateCustomer', { caller: callerOf(principal), key: byId(id) }),
    );
  }

  /** Edits the corporate customer's own fields as a JSON merge patch. */
  @Patch(':id')
  @RequirePermission('customers:write')
  async update(
    @Param('id') id: string,
    @Body() raw: unknown,
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch?: string,
  ) {
    const { corporate, mask } = corporatePatch(raw);
    return corporateJson(
      await this.customers.call('UpdateCorporateCustomer', {
        ...this.target(id, principal, ifMatch),
        corporateCustomer: customersV1.corporateCustomerToProto(corporate),
        updateMask: { paths: mask },
      }),
    );
  }

  @Get(':id/history')
  @RequirePermission('customers:read')
  async history(@Param('id') id: string, @Query() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const q = parseBody(customerHistoryQuery.omit({ site: true }), raw);
    return historyJson(
      await this.customers.call('ListCustomerHistory', {
        caller: callerOf(principal),
        afterId: q.afterId,
        customerId: id,
        limit: q.limit,
      }),
    );
  }

  @Post(':id/companies')
  @HttpCode(201)
  @RequirePermission('customers:write')
  async addCompany(
    @Param('id') id: string,
    @Body() raw: unknown,
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch?: string,
  ) {
    const company = parseBody(companyBody, raw);
    return corporateJson(
      await this.customers.call('AddCorporateCompany', {
        ...this.target(id, principal, ifMatch),
        company: customersV1.companyToProto(company),
      }),
    );
  }

  @Patch(':id/companies/:companyId')
  @RequirePermission('customers:write')
  async updateCompany(
    @Param('id') id: string,
    @Param('companyId') companyId: string,
    @Body() raw: unknown,
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch?: string,
  ) {
    const { part, mask } = companyPatch(raw);
    return corporateJson(
      await this.customers.call('UpdateCorporateCompany', {
        ...this.target(id, principal, ifMatch),
        company: { ...customersV1.companyToProto(part), id: companyId },
        updateMask: { paths: mask },
      }),
    );
  }

  @Delete(':id/companies/:companyId')
  @RequirePermission('customers:write')
  async removeCompany(
    @Param('id') id: string,
    @Param('companyId') companyId: string,
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch?: string,
  ) {
    return corporateJson(
      await this.customers.call('RemoveCorporateCompany', {
        ...this.target(id, principal, ifMatch),
        companyId,
      }),
    );
  }

  @Post(':id/contacts')
  @HttpCode(201)
  @RequirePermission('customers:write')
  async addContact(
    @Param('id') id: string,
    @Body() raw: unknown,
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch?: string,
  ) {
    const contact = parseBody(contactBody, raw);
    return corporateJson(
      await this.customers.call('AddCorporateContact', {
        ...this.target(id, principal, ifMatch),
        contact: customersV1.contactToProto(contact),
      }),
    );
  }

  @Patch(':id/contacts/:customerId')
  @RequirePermission('customers:write')
  async updateContact(
    @Param('id') id: string,
    @Param('customerId') customerId: string,
    @Body() raw: unknown,
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch?: string,
  ) {
    const { part, mask } = contactPatch(raw);
    return corporateJson(
      await this.customers.call('UpdateCorporateContact', {
        ...this.target(id, principal, ifMatch),
        contact: { ...customersV1.contactToProto(part), customerId },
        updateMask: { paths: mask },
      }),
    );
  }

  @Delete(':id/contacts/:customerId')
  @RequirePermission('customers:write')
  async removeContact(
    @Param('id') id: string,
    @Param('customerId') customerId: string,
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch?: string,
  ) {
    return corporateJson(
      await this.customers.call('RemoveCorporateContact', {
        ...this.target(id, principal, ifMatch),
        customerId,
      }),
    );
  }

  @Post(':id/addresses')
  @HttpCode(201)
  @RequirePermission('customers:write')
  async addAddress(
    @Param('id') id: string,
    @Body() raw: unknown,
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch?: string,
  ) {
    const address = parseBody(addressBody, raw);
    return corporateJson(
      await this.customers.call('AddCorporateAddress', {
        ...this.target(id, principal, ifMatch),
        address: customersV1.addressToProto(address),
      }),
    );
  }

  @Patch(':id/addresses/:addressId')
  @RequirePermission('customers:write')
  async updateAddress(
    @Param('id') id: string,
    @Param('addressId') addressId: string,
    @Body() raw: unknown,
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch?: string,
  ) {
    const { part, mask } = addressPatch(raw);
    return corporateJson(
      await this.customers.call('UpdateCorporateAddress', {
        ...this.target(id, principal, ifMatch),
        address: { ...customersV1.addressToProto(part), id: addressId },
        updateMask: { paths: mask },
      }),
    );
  }

  @Delete(':id/addresses/:addressId')
  @RequirePermission('customers:write')
  async removeAddress(
    @Param('id') id: string,
    @Param('addressId') addressId: string,
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch?: string,
  ) {
    return corporateJson(
      await this.customers.call('RemoveCorporateAddress', {
        ...this.target(id, principal, ifMatch),
        addressId,
      }),
    );
  }

  /** Who calls, which corporate customer, and at which version (If-Match). */
  private target(id: string, principal: Principal, ifMatch: string | undefined) {
    return {
      caller: callerOf(principal),
      key: byId(id),
      expectedVersion: header(ifMatchHeader, 'If-Match', ifMatch),
    };
  }
}
