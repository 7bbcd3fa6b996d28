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
import { dateFromTimestamp, ordersV1, timestampFromDate } from '@openretail/grpc';
import { CurrentPrincipal, RequirePermission, type Principal } from '../access';
import { callerOf } from './caller';
import {
  attentionQuery,
  combineBody,
  createOrderBody,
  dryRunBody,
  header,
  historyQuery,
  idempotencyKeyHeader,
  ifMatchHeader,
  listOrdersQuery,
  orderPatch,
  parse,
  paymentBody,
  paymentPatch,
  statusChangeBody,
} from './order-requests';
import { ORDERS_CLIENT, type OrdersClient } from './orders-client';

const toJson = (order: ordersV1.Order__Output) => ordersV1.orderFromProto(order);
const byId = (id: string): ordersV1.OrderKey => ({ id });
const listJson = (res: ordersV1.ListOrdersResponse__Output) => ({
  orders: res.orders.map(toJson),
  ...(res.nextPageToken ? { nextPageToken: res.nextPageToken } : {}),
});

/**
 * The public order API. Every route names the permission it needs; the orders service gets the
 * caller (key sites, acting user and groups) with every call and applies the rules itself, so this
 * controller only translates HTTP to gRPC.
 */
@Controller('v1/orders')
export class OrdersController {
  constructor(@Inject(ORDERS_CLIENT) private readonly orders: OrdersClient) {}

  /**
   * Creates an order. With an Idempotency-Key header a retry returns the order created first;
   * without one the gateway still makes its own gRPC retries safe with a key of its own.
   */
  @Post()
  @HttpCode(201)
  @RequirePermission('orders:write')
  async create(
    @Body() raw: unknown,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') keyHeader?: string,
  ) {
    const order = parse(createOrderBody, raw);
    const idempotencyKey = header(idempotencyKeyHeader, 'Idempotency-Key', keyHeader) ?? `gw-${randomUUID()}`;
    return toJson(
      await this.orders.call('CreateOrder', {
        caller: callerOf(principal),
        order: ordersV1.orderToProto(order),
        idempotencyKey,
      }),
    );
  }

  /** Orders newest first: filters by site, status, group, manager, customer, a search term and creation time. */
  @Get()
  @RequirePermission('orders:read')
  async list(@Query() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const q = parse(listOrdersQuery, raw);
    const res = await this.orders.call('ListOrders', {
      caller: callerOf(principal),
      sites: q.site,
      statuses: q.status,
      statusGroups: q.statusGroup,
      managerId: q.managerId,
      customerId: q.customerId,
      query: q.q,
      createdFrom: q.createdFrom ? timestampFromDate(new Date(q.createdFrom)) : undefined,
      createdTo: q.createdTo ? timestampFromDate(new Date(q.createdTo)) : undefined,
      pageSize: q.pageSize,
      pageToken: q.pageToken,
    });
    return listJson(res);
  }

  /** Orders over the time limit of their status. */
  @Get('overdue')
  @RequirePermission('orders:read')
  async overdue(@Query() raw: unknown, @CurrentPrincipal() principal: Principal) {
    return this.attention('OVERDUE', raw, principal);
  }

  /** Orders not in a final status group for longer than their site's stale age. */
  @Get('stale')
  @RequirePermission('orders:read')
  async stale(@Query() raw: unknown, @CurrentPrincipal() principal: Principal) {
    return this.attention('STALE', raw, principal);
  }

  /** Every site's order history after a cursor: for integrations that sync changes. */
  @Get('history')
  @RequirePermission('orders:read')
  async history(@Query() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const q = parse(historyQuery, raw);
    return this.historyOf(principal, { afterId: q.afterId, sites: q.site, limit: q.limit });
  }

  /** Would this new order pass? Changes nothing. */
  @Post('dry-run')
  @HttpCode(200)
  @RequirePermission('orders:read')
  async dryRunCreate(@Body() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const order = parse(createOrderBody, raw);
    return this.check({ create: { caller: callerOf(principal), order: ordersV1.orderToProto(order) } });
  }

  @Get('by-external-id/:site/:externalId')
  @RequirePermission('orders:read')
  async getByExternalId(
    @Param('site') site: string,
    @Param('externalId') externalId: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    return toJson(
      await this.orders.call('GetOrder', {
        caller: callerOf(principal),
        key: { external: { site, externalId } },
      }),
    );
  }

  @Get(':id')
  @RequirePermission('orders:read')
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return toJson(await this.orders.call('GetOrder', { caller: callerOf(principal), key: byId(id) }));
  }

  /**
   * Edits an order as a JSON merge patch (see orderPatch). With If-Match only if the order is
   * still at that version.
   */
  @Patch(':id')
  @RequirePermission('orders:write')
  async update(
    @Param('id') id: string,
    @Body() raw: unknown,
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch?: string,
  ) {
    const { order, mask } = orderPatch(raw);
    return toJson(
      await this.orders.call('UpdateOrder', {
        caller: callerOf(principal),
        key: byId(id),
        order: ordersV1.orderToProto(order),
        updateMask: { paths: mask },
        expectedVersion: header(ifMatchHeader, 'If-Match', ifMatch),
      }),
    );
  }

  /** Moves the order along the status matrix; a cancelled status needs a cancelReason. */
  @Post(':id/status')
  @HttpCode(200)
  @RequirePermission('orders:status')
  async changeStatus(
    @Param('id') id: string,
    @Body() raw: unknown,
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch?: string,
    @Headers('idempotency-key') keyHeader?: string,
  ) {
    const body = parse(statusChangeBody, raw);
    return toJson(
      await this.orders.call('ChangeOrderStatus', {
        caller: callerOf(principal),
        key: byId(id),
        status: body.status,
        cancelReason: body.cancelReason,
        expectedVersion: header(ifMatchHeader, 'If-Match', ifMatch),
        idempotencyKey: header(idempotencyKeyHeader, 'Idempotency-Key', keyHeader) ?? `gw-${randomUUID()}`,
      }),
    );
  }

  @Post(':id/payments')
  @HttpCode(201)
  @RequirePermission('orders:payments')
  async addPayment(
    @Param('id') id: string,
    @Body() raw: unknown,
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch?: string,
    @Headers('idempotency-key') keyHeader?: string,
  ) {
    const payment = parse(paymentBody, raw);
    return toJson(
      await this.orders.call('AddPayment', {
        caller: callerOf(principal),
        key: byId(id),
        payment: ordersV1.paymentToProto(payment),
        expectedVersion: header(ifMatchHeader, 'If-Match', ifMatch),
        idempotencyKey: header(idempotencyKeyHeader, 'Idempotency-Key', keyHeader) ?? `gw-${randomUUID()}`,
      }),
    );
  }

  @Patch(':id/payments/:paymentId')
  @RequirePermission('orders:payments')
  async updatePayment(
    @Param('id') id: string,
    @Param('paymentId') paymentId: string,
    @Body() raw: unknown,
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch?: string,
  ) {
    const { payment, mask } = paymentPatch(raw);
    return toJson(
      await this.orders.call('UpdatePayment', {
        caller: callerOf(principal),
        key: byId(id),
        payment: { ...ordersV1.paymentToProto(payment), id: paymentId },
        updateMask: { paths: mask },
        expectedVersion: header(ifMatchHeader, 'If-Match', ifMatch),
      }),
    );
  }

  @Delete(':id/payments/:paymentId')
  @RequirePermission('orders:payments')
  async deletePayment(
    @Param('id') id: string,
    @Param('paymentId') paymentId: string,
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch?: string,
  ) {
    return toJson(
      await this.orders.call('DeletePayment', {
        caller: callerOf(principal),
        key: byId(id),
        paymentId,
        expectedVersion: header(ifMatchHeader, 'If-Match', ifMatch),
      }),
    );
  }

  /**
   * Combines this order into another (`into`): its lines join the other's by the technique, its
   * payments move there, and it is cancelled. Answers both orders.
   */
  @Post(':id/combine')
  @HttpCode(200)
  @RequirePermission('orders:write', 'orders:status')
  async combine(@Param('id') id: string, @Body() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const body = parse(combineBody, raw);
    const res = await this.orders.call('CombineOrders', {
      caller: callerOf(principal),
      key: byId(id),
      into: byId(body.into),
      technique: body.technique,
      status: body.status,
      cancelReason: body.cancelReason,
    });
    return { result: toJson(res.result!), combined: toJson(res.combined!) };
  }

  /** One order's history after a cursor (afterId, default 0). */
  @Get(':id/history')
  @RequirePermission('orders:read')
  async orderHistory(
    @Param('id') id: string,
    @Query() raw: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    const q = parse(historyQuery, raw);
    return this.historyOf(principal, { afterId: q.afterId, orderId: id, limit: q.limit });
  }

  /** Would this change to the order pass, and if not, why? Changes nothing. */
  @Post(':id/dry-run')
  @HttpCode(200)
  @RequirePermission('orders:read')
  async dryRun(@Param('id') id: string, @Body() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const body = parse(dryRunBody, raw);
    const common = { caller: callerOf(principal), key: byId(id) };
    if (body.edit) {
      const { order, mask } = orderPatch(body.edit);
      return this.check({
        update: { ...common, order: ordersV1.orderToProto(order), updateMask: { paths: mask } },
      });
    }
    if (body.status) return this.check({ changeStatus: { ...common, ...body.status } });
    if (body.addPayment !== undefined) {
      const payment = parse(paymentBody, body.addPayment, 'addPayment');
      return this.check({ addPayment: { ...common, payment: ordersV1.paymentToProto(payment) } });
    }
    if (body.updatePayment) {
      const { id: paymentId, ...fields } = body.updatePayment;
      const { payment, mask } = paymentPatch(fields);
      return this.check({
        updatePayment: {
          ...common,
          payment: { ...ordersV1.paymentToProto(payment), id: paymentId },
          updateMask: { paths: mask },
        },
      });
    }
    return this.check({ deletePayment: { ...common, paymentId: body.deletePayment!.id } });
  }

  private async attention(kind: 'OVERDUE' | 'STALE', raw: unknown, principal: Principal) {
    const q = parse(attentionQuery, raw);
    const res = await this.orders.call('ListAttentionOrders', {
      caller: callerOf(principal),
      kind,
      sites: q.site,
      statuses: q.status,
      managerId: q.managerId,
      pageSize: q.pageSize,
      pageToken: q.pageToken,
    });
    return listJson(res);
  }

  private async historyOf(
    principal: Principal,
    q: { afterId: number; orderId?: string; sites?: string[]; limit?: number },
  ) {
    const res = await this.orders.call('ListOrderHistory', {
      caller: callerOf(principal),
      afterId: q.afterId,
      orderId: q.orderId,
      sites: q.sites,
      limit: q.limit,
    });
    return {
      entries: res.entries.map((e) => ({
        id: Number(e.id),
        orderId: e.orderId,
        site: e.site,
        field: e.field,
        oldValue: JSON.parse(e.oldValue) as unknown,
        newValue: JSON.parse(e.newValue) as unknown,
        ...(e.userId ? { userId: e.userId } : {}),
        source: e.source,
        ...(e.apiKeyId ? { apiKeyId: e.apiKeyId } : {}),
        at: dateFromTimestamp(e.at, 'at').toISOString(),
      })),
      lastId: Number(res.lastId),
    };
  }

  private async check(request: ordersV1.CheckOrderChangeRequest) {
    const res = await this.orders.call('CheckOrderChange', request);
    return {
      allowed: res.allowed,
      violations: res.violations.map((v) => ({
        ...(v.field ? { field: v.field } : {}),
        reason: v.reason,
        rule: v.rule,
      })),
      ...(res.order ? { order: toJson(res.order) } : {}),
    };
  }
}
