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
import { customersV1, timestampFromDate } from '@openretail/grpc';
import { CurrentPrincipal, RequirePermission, type Principal } from '../access';
import { callerOf } from '../orders/caller';
import { header, idempotencyKeyHeader, ifMatchHeader } from '../orders/order-requests';
import { CUSTOMERS_CLIENT, type CustomersClient } from './customers-client';
import {
  createCustomerBody,
  customerHistoryQuery,
  customerJsonOf,
  customerPatch,
  listCustomersQuery,
  noteBody,
  notesQuery,
  parseBody,
  searchCustomersQuery,
  toFlag,
} from './customer-requests';
import { corporateListJson, customerJson, customerListJson, historyJson } from './customer-responses';

const byId = (id: string): customersV1.CustomerKey => ({ id });

/**
 * The public API of individual customers. Every route names the permission it needs; the customers
 * service gets the caller (the key's sites, the acting user) with every call and applies the rules
 * itself, so this controller only translates HTTP to gRPC.
 */
@Controller('v1/customers')
export class CustomersController {
  constructor(@Inject(CUSTOMERS_CLIENT) private readonly customers: CustomersClient) {}

  /** Creates a customer; with an Idempotency-Key a retry returns the customer created first. */
  @Post()
  @HttpCode(201)
  @RequirePermission('customers:write')
  async create(
    @Body() raw: unknown,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') keyHeader?: string,
  ) {
    const customer = parseBody(createCustomerBody, raw);
    return customerJson(
      await this.customers.call('CreateCustomer', {
        caller: callerOf(principal),
        customer: customersV1.customerToProto(customerJsonOf(customer)),
        idempotencyKey: header(idempotencyKeyHeader, 'Idempotency-Key', keyHeader) ?? `gw-${randomUUID()}`,
      }),
    );
  }

  /** Customers newest first: filters by site, manager, tags, VIP mark and creation time. */
  @Get()
  @RequirePermission('customers:read')
  async list(@Query() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const q = parseBody(listCustomersQuery, raw);
    return customerListJson(
      await this.customers.call('ListCustomers', {
        caller: callerOf(principal),
        sites: q.site,
        managerId: q.managerId,
        tags: q.tag,
        vip: toFlag(q.vip),
        createdFrom: q.createdFrom ? timestampFromDate(new Date(q.createdFrom)) : undefined,
        createdTo: q.createdTo ? timestampFromDate(new Date(q.createdTo)) : undefined,
        includeMerged: toFlag(q.includeMerged),
        pageSize: q.pageSize,
        pageToken: q.pageToken,
      }),
    );
  }

  /** Customers by phone (any format), email (any case) and parts of the name; each one given must match. */
  @Get('search')
  @RequirePermission('customers:read')
  async search(@Query() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const q = parseBody(searchCustomersQuery, raw);
    const res = await this.customers.call('SearchCustomers', {
      caller: callerOf(principal),
      sites: q.site,
      phone: q.phone,
      email: q.email,
      name: q.name,
      includeMerged: toFlag(q.includeMerged),
      limit: q.limit,
    });
    return { customers: res.customers.map(customerJson) };
  }

  /** The history of every customer (individual and corporate) after a cursor: for integrations that sync. */
  @Get('history')
  @RequirePermission('customers:read')
  async history(@Query() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const q = parseBody(customerHistoryQuery, raw);
    return historyJson(
      await this.customers.call('ListCustomerHistory', {
        caller: callerOf(principal),
        afterId: q.afterId,
        sites: q.site,
        limit: q.limit,
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
    return customerJson(
      await this.customers.call('GetCustomer', {
        caller: callerOf(principal),
        key: { external: { site, externalId } },
      }),
    );
  }

  @Get(':id')
  @RequirePermission('customers:read')
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return customerJson(
      await this.customers.call('GetCustomer', { caller: callerOf(principal), key: byId(id) }),
    );
  }

  /** Edits a customer as a JSON merge patch; with If-Match only if it is still at that version. */
  @Patch(':id')
  @RequirePermission('customers:write')
  async update(
    @Param('id') id: string,
    @Body() raw: unknown,
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch?: string,
  ) {
    const { customer, mask } = customerPatch(raw);
    return customerJson(
      await this.customers.call('UpdateCustomer', {
        caller: callerOf(principal),
        key: byId(id),
        customer: customersV1.customerToProto(customer),
        updateMask: { paths: mask },
        expectedVersion: header(ifMatchHeader, 'If-Match', ifMatch),
      }),
    );
  }

  /** One customer's history after a cursor (afterId, default 0). */
  @Get(':id/history')
  @RequirePermission('customers:read')
  async customerHistory(
    @Param('id') id: string,
    @Query() raw: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
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

  /** The corporate customers this person is a contact of: the legal entities a buyer orders through. */
  @Get(':id/corporate-customers')
  @RequirePermission('customers:read')
  async linked(@Param('id') id: string, @Query() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const q = parseBody(notesQuery, raw);
    return corporateListJson(
      await this.customers.call('ListCorporateCustomers', {
        caller: callerOf(principal),
        contactCustomerId: id,
        pageSize: q.pageSize,
        pageToken: q.pageToken,
      }),
    );
  }

  @Get(':id/notes')
  @RequirePermission('customers:read')
  async notes(@Param('id') id: string, @Query() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const q = parseBody(notesQuery, raw);
    const res = await this.customers.call('ListCustomerNotes', {
      caller: callerOf(principal),
      key: byId(id),
      pageSize: q.pageSize,
      pageToken: q.pageToken,
    });
    return {
      notes: res.notes.map((n) => customersV1.noteFromProto(n)),
      ...(res.nextPageToken ? { nextPageToken: res.nextPageToken } : {}),
    };
  }

  /** Adds a note; its author is the acting user. */
  @Post(':id/notes')
  @HttpCode(201)
  @RequirePermission('customers:write')
  async addNote(@Param('id') id: string, @Body() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const { text } = parseBody(noteBody, raw);
    return customersV1.noteFromProto(
      await this.customers.call('AddCustomerNote', { caller: callerOf(principal), key: byId(id), text }),
    );
  }

  @Delete(':id/notes/:noteId')
  @HttpCode(204)
  @RequirePermission('customers:write')
  async deleteNote(
    @Param('id') id: string,
    @Param('noteId') noteId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    await this.customers.call('DeleteCustomerNote', { caller: callerOf(principal), key: byId(id), noteId });
  }
}
