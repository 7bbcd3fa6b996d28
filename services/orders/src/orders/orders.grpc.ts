import { Injectable } from '@nestjs/common';
import { ValidationError, ORDER_HISTORY_SOURCES } from '@openretail/contracts';
import { dateFromTimestamp, ordersV1, timestampFromDate, type ServiceImplementation } from '@openretail/grpc';
import type { Actor } from './order-state';
import type { Caller, OrderCommand } from './order-commands';
import { lineTotal } from '../totals/totals';
import { toDocument } from './order-document';
import { OrdersService, type CheckRequest, type OrderKey, type OrderView } from './orders.service';

type Existing = Exclude<OrderCommand, { kind: 'create' }>;

/** The OrdersService gRPC contract, translated to and from the application service. */
@Injectable()
export class OrdersGrpcHandler {
  constructor(private readonly orders: OrdersService) {}

  implementation(): ServiceImplementation<ordersV1.OrdersServiceDefinition> {
    const execute = (
      req: {
        caller?: ordersV1.Caller__Output | null;
        key?: ordersV1.OrderKey__Output | null;
        expectedVersion?: string;
        idempotencyKey?: string;
      },
      command: Existing,
    ) =>
      this.orders
        .execute(keyOf(req.key), command, callerOf(req.caller), {
          expectedVersion: versionOf(req.expectedVersion),
          idempotencyKey: req.idempotencyKey || undefined,
        })
        .then(toProto);

    return {
      CreateOrder: async (req) =>
        toProto(
          await this.orders.create(orderOf(req.order), callerOf(req.caller), req.idempotencyKey || undefined),
        ),
      GetOrder: async (req) => toProto(await this.orders.get(keyOf(req.key), callerOf(req.caller))),
      ListOrders: async (req) => {
        const { views, nextPageToken, totalCount } = await this.orders.list(
          {
            sites: req.sites,
            statuses: req.statuses,
            statusGroups: req.statusGroups,
            managerId: req.managerId || undefined,
            customerId: req.customerId || undefined,
            query: req.query || undefined,
            createdFrom: req.createdFrom ? dateFromTimestamp(req.createdFrom, 'createdFrom') : undefined,
            createdTo: req.createdTo ? dateFromTimestamp(req.createdTo, 'createdTo') : undefined,
            ids: req.ids,
            numericIds: req.numericIds.map(Number),
            externalIds: req.externalIds,
            numbers: req.numbers,
            email: req.email || undefined,
            afterNumericId: Number(req.afterNumericId) || undefined,
            pageSize: req.pageSize,
            pageToken: req.pageToken || undefined,
            offset: req.offset || undefined,
            countTotal: req.countTotal,
          },
          callerOf(req.caller),
        );
        return { orders: views.map(toProto), nextPageToken: nextPageToken ?? '', totalCount };
      },
      ListAttentionOrders: async (req) => {
        if (req.kind !== 'OVERDUE' && req.kind !== 'STALE')
          throw ValidationError.field('kind', 'must be OVERDUE or STALE');
        const { views, nextPageToken } = await this.orders.list(
          {
            attention: req.kind === 'OVERDUE' ? 'overdue' : 'stale',
            sites: req.sites,
            statuses: req.statuses,
            managerId: req.managerId || undefined,
            pageSize: req.pageSize,
            pageToken: req.pageToken || undefined,
          },
          callerOf(req.caller),
        );
        return { orders: views.map(toProto), nextPageToken: nextPageToken ?? '' };
      },
      UpdateOrder: (req) => execute(req, editOf(req)),
      ChangeOrderStatus: (req) => execute(req, statusChangeOf(req)),
      AddPayment: (req) => execute(req, paymentAddOf(req)),
      UpdatePayment: (req) => execute(req, paymentEditOf(req)),
      DeletePayment: (req) => execute(req, paymentDeleteOf(req)),
      CombineOrders: async (req) => {
        const { result, combined } = await this.orders.combine(
          keyOf(req.key),
          keyOf(req.into, 'into'),
          {
            technique: req.technique || 'ours',
            ...(req.status ? { status: req.status } : {}),
            ...(req.cancelReason ? { cancelReason: req.cancelReason } : {}),
          },
          callerOf(req.caller),
        );
        return { result: toProto(result), combined: toProto(combined) };
      },
      CheckOrderChange: async (req) => {
        const [request, caller] = checkRequestOf(req);
        const result = await this.orders.check(request, caller);
        return {
          allowed: result.allowed,
          violations: result.problems.map((p) => ({
            field: p.field ?? '',
            reason: p.reason,
            rule: p.rule ?? p.kind,
          })),
          order: result.view ? toProto(result.view) : undefined,
        };
      },
      ListOrderHistory: async (req) => {
        const { entries, lastId, totalCount } = await this.orders.history(
          {
            afterId: Number(req.afterId),
            orderId: req.orderId || undefined,
            sites: req.sites,
            limit: req.limit,
            from: req.from ? dateFromTimestamp(req.from, 'from') : undefined,
            to: req.to ? dateFromTimestamp(req.to, 'to') : undefined,
            countTotal: req.countTotal,
          },
          callerOf(req.caller),
        );
        return {
          entries: entries.map((e) => ({
            id: e.id,
            orderId: e.orderId,
            site: e.site,
            field: e.field,
            oldValue: JSON.stringify(e.oldValue ?? null),
            newValue: JSON.stringify(e.newValue ?? null),
            userId: e.userId ?? '',
            source: e.source,
            apiKeyId: e.apiKeyId ?? '',
            at: timestampFromDate(e.at),
          })),
          lastId,
          totalCount,
        };
      },
    };
  }
}

function toProto(view: OrderView): ordersV1.Order {
  const doc = toDocument(view.order);
  return ordersV1.orderToProto({
    ...doc,
    statusGroup: view.statusGroup,
    items: doc.items.map((item, i) => ({ ...item, total: lineTotal(view.order.items[i], `items[${i}]`) })),
    totals: view.totals,
    version: view.version,
  });
}

function orderOf(order: ordersV1.Order__Output | null | undefined) {
  if (!order) throw ValidationError.field('order', 'is required');
  return ordersV1.orderFromProto(order, 'order');
}

function keyOf(key: ordersV1.OrderKey__Output | null | undefined, field = 'key'): OrderKey {
  if (key?.key === 'id' && key.id) return { id: key.id };
  if (key?.key === 'numericId' && Number(key.numericId) > 0) return { numericId: Number(key.numericId) };
  if (key?.key === 'external' && key.external?.site && key.external.externalId) {
    return { site: key.external.site, externalId: key.external.externalId };
  }
  const payment = key?.key === 'payment' ? key.payment : undefined;
  if (payment?.key === 'numericId' && Number(payment.numericId) > 0) {
    return { paymentNumericId: Number(payment.numericId) };
  }
  if (payment?.key === 'externalId' && payment.externalId) return { paymentExternalId: payment.externalId };
  throw ValidationError.field(field, 'give id, numericId, site and externalId, or a payment');
}

function versionOf(version: string | undefined): number | undefined {
  if (version === undefined) return undefined;
  const n = Number(version);
  if (!Number.isSafeInteger(n) || n < 1)
    throw ValidationError.field('expectedVersion', 'must be a whole number, 1 or more');
  return n;
}

/** The caller the gateway vouches for; an empty one may do nothing. */
function callerOf(caller: ordersV1.Caller__Output | null | undefined): Caller {
  if (!caller) throw ValidationError.field('caller', 'is required');
  const source = caller.source || 'api';
  if (!(ORDER_HISTORY_SOURCES as readonly string[]).includes(source)) {
    throw ValidationError.field('caller.source', `must be one of ${ORDER_HISTORY_SOURCES.join(', ')}`);
  }
  return {
    ...(caller.userId ? { userId: caller.userId } : {}),
    groups: caller.groups,
    source: source as Actor['source'],
    sites: caller.allSites ? 'all' : caller.sites,
    permissions: caller.permissions,
    ...(caller.apiKeyId ? { apiKeyId: caller.apiKeyId } : {}),
  };
}

function editOf(req: ordersV1.UpdateOrderRequest__Output): Existing {
  return {
    kind: 'edit',
    order: req.order ? ordersV1.orderFromProto(req.order) : {},
    mask: req.updateMask?.paths ?? [],
  };
}

function statusChangeOf(req: ordersV1.ChangeOrderStatusRequest__Output): Existing {
  return {
    kind: 'status-change',
    status: req.status,
    ...(req.cancelReason ? { cancelReason: req.cancelReason } : {}),
  };
}

function paymentAddOf(req: ordersV1.AddPaymentRequest__Output): Existing {
  return { kind: 'payment-add', payment: req.payment ? ordersV1.paymentFromProto(req.payment) : {} };
}

function paymentEditOf(req: ordersV1.UpdatePaymentRequest__Output): Existing {
  if (!req.payment?.id) throw ValidationError.field('payment.id', 'is required');
  return {
    kind: 'payment-edit',
    paymentId: req.payment.id,
    payment: ordersV1.paymentFromProto(req.payment),
    mask: req.updateMask?.paths ?? [],
  };
}

function paymentDeleteOf(req: ordersV1.DeletePaymentRequest__Output): Existing {
  if (!req.paymentId) throw ValidationError.field('paymentId', 'is required');
  return { kind: 'payment-delete', paymentId: req.paymentId };
}

function checkRequestOf(req: ordersV1.CheckOrderChangeRequest__Output): [CheckRequest, Caller] {
  switch (req.change) {
    case 'create':
      return [
        { command: { kind: 'create', order: orderOf(req.create!.order) } },
        callerOf(req.create!.caller),
      ];
    case 'update':
      return [{ key: keyOf(req.update!.key), command: editOf(req.update!) }, callerOf(req.update!.caller)];
    case 'changeStatus':
      return [
        { key: keyOf(req.changeStatus!.key), command: statusChangeOf(req.changeStatus!) },
        callerOf(req.changeStatus!.caller),
      ];
    case 'addPayment':
      return [
        { key: keyOf(req.addPayment!.key), command: paymentAddOf(req.addPayment!) },
        callerOf(req.addPayment!.caller),
      ];
    case 'updatePayment':
      return [
        { key: keyOf(req.updatePayment!.key), command: paymentEditOf(req.updatePayment!) },
        callerOf(req.updatePayment!.caller),
      ];
    case 'deletePayment':
      return [
        { key: keyOf(req.deletePayment!.key), command: paymentDeleteOf(req.deletePayment!) },
        callerOf(req.deletePayment!.caller),
      ];
    default:
      throw ValidationError.field('change', 'name the change to check');
  }
}
