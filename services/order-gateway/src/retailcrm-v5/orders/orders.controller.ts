import { Body, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { dateFromTimestamp, ordersV1, timestampFromDate } from '@openretail/grpc';
import type { OrderJson, PaymentJson } from '@openretail/contracts';
import { assertPermissions, CurrentPrincipal, RequirePermission, type Principal } from '../../access';
import { callerOf } from '../../orders/caller';
import { orderPatch } from '../../orders/order-requests';
import { ORDERS_CLIENT, type OrdersClient } from '../../orders/orders-client';
import { OrderCustomers } from '../customers/order-customers';
import { CompatController, renamingFields } from '../wire/compat-controller';
import { formatCrmDateTime, parseCrmDateTime } from '../wire/dates';
import { CompatError, describeFailure, type CrmErrors } from '../wire/errors';
import { filterParams, refuseUnknownFilters } from '../wire/filters';
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
import type { CrmObject } from '../wire/values';
import { historyEntryToCrm, type HistoryEntry } from './history-mapping';
import { ordersFilterFromCrm } from './order-filters';
import {
  crmFieldName,
  editFromCrm,
  orderFromCrm,
  orderToCrm,
  paymentFromCrm,
  type MappingContext,
} from './order-mapping';

const fromProto = (o: ordersV1.Order__Output) => ordersV1.orderFromProto(o);
const HISTORY_FILTERS = new Set(['sinceId', 'startDate', 'endDate']);
/** A batch of RetailCRM's upload holds at most this many orders. */
const UPLOAD_LIMIT = 50;
/** The history fields of a combine, whose value is the id of the other order. */
const COMBINE_FIELDS = new Set(['combinedInto', 'combinedFrom']);

/**
 * RetailCRM API v5 orders: `/api/v5/orders...`. Each route translates the request into the same
 * gRPC commands the native API uses and the answer back; the orders service applies every rule.
 */
@CompatController('v5/orders')
export class CrmOrdersController {
  constructor(
    @Inject(ORDERS_CLIENT) private readonly orders: OrdersClient,
    private readonly reference: ReferenceSnapshot,
    private readonly orderCustomers: OrderCustomers,
  ) {}

  /** GET /api/v5/orders: filter[...], limit (20, 50, 100), page; newest first. */
  @Get()
  @RequirePermission('orders:read')
  async list(@Query() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const params = paramsFromQuery(raw);
    const page = pageParams(params);
    const ref = await this.reference.get();
    const filter = ordersFilterFromCrm(params.filter, ref.data, ref.timeZone);
    const res = await this.orders.call('ListOrders', {
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
      orders: await this.orderCustomers.numbered(
        res.orders.map((o) => orderToCrm(fromProto(o), ctx)),
        principal,
      ),
    };
  }

  /** GET /api/v5/orders/statuses?ids[]=..&externalIds[]=..: the status and group of each order. */
  @Get('statuses')
  @RequirePermission('orders:read')
  async statuses(@Query() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const params = paramsFromQuery(raw);
    const ids = (listParam(params, 'ids') ?? []).map((id, i) => numericId(id, `ids[${i}]`));
    const externalIds = listParam(params, 'externalIds') ?? [];
    if (ids.length + externalIds.length === 0) throw CompatError.missing('ids');
    if (ids.length + externalIds.length > 100)
      throw CompatError.parameter('ids', 'at most 100 orders at a time');
    const res = await this.orders.call('ListOrders', {
      caller: callerOf(principal),
      numericIds: ids,
      externalIds,
      pageSize: 100,
    });
    return {
      success: true,
      orders: res.orders.map((o) => {
        const order = fromProto(o);
        return {
          id: order.numericId,
          externalId: order.externalId,
          status: order.status,
          group: order.statusGroup,
        };
      }),
    };
  }

  /**
   * GET /api/v5/orders/history: changes after filter[sinceId] (oldest first), optionally within
   * filter[startDate]..filter[endDate]. Page N is reached by following the cursor from page 1.
   */
  @Get('history')
  @RequirePermission('orders:read')
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
    const window = (name: string, shiftMs: number) => {
      const value = stringParam(filter, name);
      if (!value) return undefined;
      const at = parseCrmDateTime(value, ref.timeZone, `filter[${name}]`);
      return timestampFromDate(new Date(at.getTime() + shiftMs));
    };
    const from = window('startDate', 0);
    // endDate is inclusive, to the second.
    const to = window('endDate', 1000);
    const caller = callerOf(principal);
    let cursor = sinceId;
    let totalCount = 0;
    let entries: ordersV1.HistoryEntry__Output[] = [];
    for (let p = 1; p <= page.page; p++) {
      const res = await this.orders.call('ListOrderHistory', {
        caller,
        afterId: cursor,
        limit: page.limit,
        from,
        to,
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
    const history = entries.map((e): HistoryEntry => ({
      id: Number(e.id),
      orderId: e.orderId,
      site: e.site,
      field: e.field,
      oldValue: JSON.parse(e.oldValue) as unknown,
      newValue: JSON.parse(e.newValue) as unknown,
      userId: e.userId || undefined,
      source: e.source,
      apiKeyId: e.apiKeyId || undefined,
      at: dateFromTimestamp(e.at, 'at'),
    }));
    // The orders the entries are about, and those their combines name.
    const orderIds = [
      ...new Set(
        history.flatMap((e) => [
          e.orderId,
          ...(COMBINE_FIELDS.has(e.field) && typeof e.newValue === 'string' ? [e.newValue] : []),
        ]),
      ),
    ];
    const orders: OrderJson[] = [];
    for (let i = 0; i < orderIds.length; i += 100) {
      const ids = orderIds.slice(i, i + 100);
      const res = await this.orders.call('ListOrders', { caller, ids, pageSize: 100 });
      orders.push(...res.orders.map(fromProto));
    }
    const ctx = {
      ...contextOf(ref),
      apiKeyId: principal.keyId,
      orders: new Map(orders.map((o) => [o.id!, o])),
    };
    return {
      success: true,
      generatedAt: formatCrmDateTime(new Date(), ref.timeZone),
      history: history.map((e) => historyEntryToCrm(e, ctx)),
      pagination: pagination(page, totalCount),
    };
  }

  /**
   * POST /api/v5/orders/combine: technique (ours, summ, theirs, merge; ours by default), order and
   * resultOrder as {id} or {externalId} (with site). `order` goes into `resultOrder` and is
   * cancelled; the orders service decides how (see its combine command).
   */
  @Post('combine')
  @HttpCode(200)
  @RequirePermission('orders:write', 'orders:status')
  async combine(@Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    const params = bodyParams(body);
    const ref = await this.reference.get();
    const site = () => resolveSite(principal, stringParam(params, 'site'), ref.data);
    const key = orderKeyOf(jsonObjectParam(params, 'order'), 'order', site);
    const into = orderKeyOf(jsonObjectParam(params, 'resultOrder'), 'resultOrder', site);
    await renamingFields(
      (field) => (field === 'into' ? 'resultOrder' : crmFieldName(field)),
      () =>
        this.orders.call('CombineOrders', {
          caller: callerOf(principal),
          key,
          into,
          technique: stringParam(params, 'technique'),
        }),
    );
    return { success: true };
  }

  /** POST /api/v5/orders/create: order=<json>, site. 201 with the new order's id and the order. */
  @Post('create')
  @HttpCode(201)
  @RequirePermission('orders:write')
  async create(@Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    const params = bodyParams(body);
    const input = jsonObjectParam(params, 'order');
    const ref = await this.reference.get();
    const order = await this.createOne(input, stringParam(params, 'site'), principal, ref);
    const [answer] = await this.orderCustomers.numbered([orderToCrm(order, contextOf(ref))], principal);
    return { success: true, id: order.numericId, order: answer };
  }

  /**
   * POST /api/v5/orders/upload: orders=<json list> (at most 50), site. Each order is created on its
   * own: the good ones are stored; with any failure the answer is 460 with `errors` by position.
   */
  @Post('upload')
  @HttpCode(201)
  @RequirePermission('orders:write')
  async upload(@Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    const params = bodyParams(body);
    const list = jsonListParam(params, 'orders');
    if (list.length === 0) throw CompatError.parameter('orders', 'must hold at least one order');
    if (list.length > UPLOAD_LIMIT)
      throw CompatError.parameter('orders', `at most ${UPLOAD_LIMIT} orders at a time`);
    const ref = await this.reference.get();
    const ctx = contextOf(ref);
    const site = stringParam(params, 'site');
    const uploadedOrders: { id?: number; externalId?: string }[] = [];
    const orders: CrmObject[] = [];
    const errors: CrmErrors = {};
    for (const [i, raw] of list.entries()) {
      try {
        if (!raw || typeof raw !== 'object' || Array.isArray(raw))
          throw CompatError.parameter(`orders[${i}]`, 'must be an order object');
        const order = await this.createOne(raw as CrmObject, site, principal, ref);
        uploadedOrders.push({
          id: order.numericId,
          ...(order.externalId ? { externalId: order.externalId } : {}),
        });
        orders.push(orderToCrm(order, ctx));
      } catch (e) {
        const externalId = (raw as CrmObject | null)?.externalId;
        const who = externalId === undefined ? '' : `Order externalId=${String(externalId)}: `;
        errors[String(i)] = who + describeFailure(e, crmFieldName);
      }
    }
    const answers = await this.orderCustomers.numbered(orders, principal);
    if (Object.keys(errors).length > 0) {
      throw new CompatError(uploadedOrders.length > 0 ? 460 : 400, 'Orders are loaded with errors', errors, {
        uploadedOrders,
        orders: answers,
      });
    }
    return { success: true, uploadedOrders, orders: answers };
  }

  /** POST /api/v5/orders/fix-external-ids: orders=[{id, externalId}]: sets each order's externalId. */
  @Post('fix-external-ids')
  @HttpCode(200)
  @RequirePermission('orders:write')
  async fixExternalIds(@Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    return fixExternalIds(
      body,
      'orders',
      (id, externalId) =>
        this.orders.call('UpdateOrder', {
          caller: callerOf(principal),
          key: { numericId: id },
          order: { externalId },
          updateMask: { paths: ['externalId'] },
        }),
      crmFieldName,
    );
  }

  /** POST /api/v5/orders/payments/create: payment=<json> naming its order ({id} or {externalId}), site. */
  @Post('payments/create')
  @HttpCode(201)
  @RequirePermission('orders:payments')
  async createPayment(@Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    const params = bodyParams(body);
    const payment = jsonObjectParam(params, 'payment');
    const ref = await this.reference.get();
    const key = orderKeyOf((payment.order ?? {}) as CrmObject, 'payment.order', () =>
      resolveSite(principal, stringParam(params, 'site'), ref.data),
    );
    const caller = callerOf(principal);
    const order = fromProto(await this.orders.call('GetOrder', { caller, key }));
    const input = paymentFromCrm(payment, order.currency ?? 'XXX', contextOf(ref));
    const updated = fromProto(
      await renamingFields(crmFieldName, () =>
        this.orders.call('AddPayment', {
          caller,
          key: { id: order.id },
          payment: ordersV1.paymentToProto(input),
          idempotencyKey: `gw-${randomUUID()}`,
        }),
      ),
    );
    const added = updated.payments?.[updated.payments.length - 1];
    return { success: true, id: added?.numericId };
  }

  /**
   * POST /api/v5/orders/payments/{externalId}/edit: payment=<json> with the fields to change; by
   * (externalId by default, or id: the payment's numeric id), site.
   */
  @Post('payments/:id/edit')
  @HttpCode(200)
  @RequirePermission('orders:payments')
  async editPayment(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    const params = bodyParams(body);
    const by = byParam(params);
    const input = jsonObjectParam(params, 'payment');
    const ref = await this.reference.get();
    const { order, payment } = await this.findPayment(id, by, input, params, principal, ref);
    const fields = paymentFromCrm(input, order.currency ?? 'XXX', contextOf(ref));
    // With by=externalId the externalId names the payment; with by=id it may be changed.
    if (by === 'externalId') delete fields.externalId;
    const mask = Object.keys(fields);
    if (mask.length === 0) {
      throw CompatError.parameter('payment', 'name at least one of externalId, type, status, amount, paidAt');
    }
    await renamingFields(crmFieldName, () =>
      this.orders.call('UpdatePayment', {
        caller: callerOf(principal),
        key: { id: order.id },
        payment: { ...ordersV1.paymentToProto(fields as PaymentJson), id: payment.id },
        updateMask: { paths: mask },
      }),
    );
    return { success: true, id: payment.numericId };
  }

  /** POST /api/v5/orders/payments/{id}/delete: by id (the default) or by=externalId, site. */
  @Post('payments/:id/delete')
  @HttpCode(200)
  @RequirePermission('orders:payments')
  async deletePayment(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    const params = bodyParams(body);
    // RetailCRM deletes a payment by its id; `by` is taken as in an edit when it is given.
    const by = params.by === undefined ? 'id' : byParam(params);
    const ref = await this.reference.get();
    const { order, payment } = await this.findPayment(id, by, undefined, params, principal, ref);
    await this.orders.call('DeletePayment', {
      caller: callerOf(principal),
      key: { id: order.id },
      paymentId: payment.id,
    });
    return { success: true };
  }

  /** GET /api/v5/orders/{externalId}?by=externalId|id&site=: one order. */
  @Get(':id')
  @RequirePermission('orders:read')
  async get(@Param('id') id: string, @Query() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const params = paramsFromQuery(raw);
    const ref = await this.reference.get();
    const order = await this.find(id, params, principal, ref);
    const [answer] = await this.orderCustomers.numbered([orderToCrm(order, contextOf(ref))], principal);
    return { success: true, order: answer };
  }

  /**
   * POST /api/v5/orders/{externalId}/edit: order=<json> with the fields to change, by, site. A
   * `status` in it is a status change along the matrix, made after the other changes.
   */
  @Post(':id/edit')
  @HttpCode(200)
  @RequirePermission('orders:write')
  async edit(@Param('id') id: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    const params = bodyParams(body);
    const input = jsonObjectParam(params, 'order');
    const ref = await this.reference.get();
    const ctx = contextOf(ref);
    const current = await this.find(id, params, principal, ref);
    const edit = editFromCrm(input, current, byParam(params));
    const customerId = await this.orderCustomers.customerIdOf(input, current.site ?? '', principal, ref.data);
    if (customerId !== undefined) edit.patch.customer = { ...(edit.patch.customer as object), customerId };
    let order = current;
    if (Object.keys(edit.patch).length > 0) {
      order = await renamingFields(crmFieldName, async () => {
        const { order: changes, mask } = orderPatch(edit.patch);
        return fromProto(
          await this.orders.call('UpdateOrder', {
            caller: callerOf(principal),
            key: { id: current.id },
            order: ordersV1.orderToProto(changes),
            updateMask: { paths: mask },
            expectedVersion: current.version,
          }),
        );
      });
    }
    if (edit.status && edit.status !== order.status) order = await this.changeStatus(order, edit, principal);
    const [answer] = await this.orderCustomers.numbered([orderToCrm(order, ctx)], principal);
    return { success: true, id: order.numericId, order: answer };
  }

  /**
   * The payment a path names and its order: by its numeric id, or by its external id, which is
   * unique in its order only: within `payment.order` when the request names one, else among every
   * order the key reads (several: a 400 asking for the order).
   */
  private async findPayment(
    id: string,
    by: 'id' | 'externalId',
    input: CrmObject | undefined,
    params: Params,
    principal: Principal,
    ref: Reference,
  ): Promise<{ order: OrderJson; payment: PaymentJson }> {
    const site = stringParam(params, 'site');
    const target = input?.order;
    const key: ordersV1.OrderKey =
      by === 'id'
        ? { payment: { numericId: numericId(id, 'id') } }
        : target && typeof target === 'object'
          ? orderKeyOf(target as CrmObject, 'payment.order', () => resolveSite(principal, site, ref.data))
          : { payment: { externalId: id } };
    const order = fromProto(
      await renamingFields(
        (field) => (field === 'key.payment.externalId' ? 'payment.order' : field),
        () => this.orders.call('GetOrder', { caller: callerOf(principal), key }),
      ),
    );
    const payment = order.payments?.find((p) => (by === 'id' ? String(p.numericId) : p.externalId) === id);
    if (!payment || (site && order.site !== site)) throw CompatError.notFound('Payment not found');
    return { order, payment };
  }

  /** The order a path names: by externalId (on the site) or by id. */
  private async find(id: string, params: Params, principal: Principal, ref: Reference): Promise<OrderJson> {
    const by = byParam(params);
    const site = stringParam(params, 'site');
    const key: ordersV1.OrderKey =
      by === 'id'
        ? { numericId: numericId(id, 'id') }
        : { external: { site: resolveSite(principal, site, ref.data), externalId: id } };
    const order = fromProto(await this.orders.call('GetOrder', { caller: callerOf(principal), key }));
    if (by === 'id' && site && order.site !== site) throw CompatError.notFound();
    return order;
  }

  /** Creates one RetailCRM order, then moves it to the status it names (RetailCRM sets both at once). */
  private async createOne(
    input: CrmObject,
    siteParam: string | undefined,
    principal: Principal,
    ref: Reference,
  ) {
    const site = resolveSite(
      principal,
      siteParam ?? (typeof input.site === 'string' ? input.site : undefined),
      ref.data,
    );
    const currency = ref.data.sites.find((s) => s.code === site)?.currency;
    const crm = orderFromCrm(input, site, currency, contextOf(ref));
    const customerId = await this.orderCustomers.customerIdOf(input, site, principal, ref.data);
    if (customerId) crm.order.customer = { ...crm.order.customer, customerId };
    const created = fromProto(
      await renamingFields(crmFieldName, () =>
        this.orders.call('CreateOrder', {
          caller: callerOf(principal),
          order: ordersV1.orderToProto(crm.order),
          idempotencyKey: `gw-${randomUUID()}`,
        }),
      ),
    );
    if (!crm.status || crm.status === created.status) return created;
    try {
      return await this.changeStatus(created, crm, principal);
    } catch (e) {
      throw new CompatError(
        400,
        `Order ${created.number} is created, but its status could not be set to '${crm.status}': ${describeFailure(e, crmFieldName)}`,
        undefined,
        { id: created.numericId, order: orderToCrm(created, contextOf(ref)) },
      );
    }
  }

  private async changeStatus(
    order: OrderJson,
    change: { status?: string; cancelReason?: string },
    principal: Principal,
  ) {
    assertPermissions(principal, ['orders:status']);
    return fromProto(
      await this.orders.call('ChangeOrderStatus', {
        caller: callerOf(principal),
        key: { id: order.id },
        status: change.status,
        cancelReason: change.cancelReason,
        expectedVersion: order.version,
        idempotencyKey: `gw-${randomUUID()}`,
      }),
    );
  }
}

function contextOf(ref: Reference): MappingContext {
  return { timeZone: ref.timeZone };
}

/** An order a request names as RetailCRM does: {id} (its numeric id) or {externalId} on the site. */
function orderKeyOf(target: CrmObject, field: string, site: () => string): ordersV1.OrderKey {
  if (target.id !== undefined && target.id !== null) {
    return { numericId: numericId(target.id as string | number, `${field}.id`) };
  }
  if (typeof target.externalId === 'string' || typeof target.externalId === 'number') {
    return { external: { site: site(), externalId: String(target.externalId) } };
  }
  throw CompatError.parameter(field, 'name the order by id or externalId');
}
