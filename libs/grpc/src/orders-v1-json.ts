import type { OrderJson, PaymentJson } from '@openretail/contracts';
import type { Order, Order__Output } from './generated/openretail/orders/v1/Order';
import type { Payment, Payment__Output } from './generated/openretail/orders/v1/Payment';
import { moneyFromProto, moneyToProto } from './money';
import {
  compact,
  customFieldsIn,
  customFieldsOut,
  moneyIn as money,
  moneyOut as out,
  nonEmpty,
  str,
  timeIn as time,
  timeOut as ts,
} from './proto-values';

/**
 * The one translation between the public order JSON (OrderJson) and openretail.orders.v1.Order,
 * used both ways by the gateway and the orders service (empty strings and currency-less money are
 * absent, see proto-values.ts).
 */

export function orderFromProto(o: Order__Output, field = 'order'): OrderJson {
  const customer = o.customer;
  const contragent = o.contragent;
  const delivery = o.delivery;
  return compact<OrderJson>({
    id: str(o.id),
    numericId: Number(o.numericId) > 0 ? Number(o.numericId) : undefined,
    site: str(o.site),
    number: str(o.number),
    externalId: str(o.externalId),
    orderType: str(o.orderType),
    orderMethod: str(o.orderMethod),
    status: str(o.status),
    statusGroup: str(o.statusGroup),
    statusUpdatedAt: time(o.statusUpdatedAt, `${field}.statusUpdatedAt`),
    cancelReason: str(o.cancelReason),
    combinedInto: str(o.combinedInto),
    currency: str(o.currency),
    customer: customer
      ? compact({
          customerId: str(customer.customerId),
          firstName: str(customer.firstName),
          lastName: str(customer.lastName),
          phones: customer.phones,
          email: str(customer.email),
        })
      : undefined,
    contragent: contragent
      ? nonEmpty({
          type: str(contragent.type),
          legalName: str(contragent.legalName),
          inn: str(contragent.inn),
          kpp: str(contragent.kpp),
          ogrn: str(contragent.ogrn),
          legalAddress: str(contragent.legalAddress),
          bank: str(contragent.bank),
          bik: str(contragent.bik),
          bankAccount: str(contragent.bankAccount),
          corrAccount: str(contragent.corrAccount),
        })
      : undefined,
    items: o.items.map((item, i) =>
      compact({
        id: str(item.id),
        offerExternalId: str(item.offerExternalId),
        // repeated has no absence: an empty list is none, as the JSON leaves it out.
        categories: item.categories.length > 0 ? item.categories : undefined,
        name: item.name,
        quantity: item.quantity,
        unitPrice: money(item.unitPrice, `${field}.items[${i}].unitPrice`),
        discount: money(item.discount, `${field}.items[${i}].discount`),
        status: str(item.status),
        total: money(item.total, `${field}.items[${i}].total`),
      }),
    ),
    discount: money(o.discount, `${field}.discount`),
    delivery: delivery
      ? compact({
          type: str(delivery.type),
          carrier: str(delivery.carrier),
          address: str(delivery.address),
          cost: money(delivery.cost, `${field}.delivery.cost`),
          netCost: money(delivery.netCost, `${field}.delivery.netCost`),
          date: str(delivery.date),
          timeFrom: str(delivery.timeFrom),
          timeTo: str(delivery.timeTo),
          pickupPoint: str(delivery.pickupPoint),
        })
      : undefined,
    payments: o.payments.map((p, i) => paymentFromProto(p, `${field}.payments[${i}]`)),
    managerId: str(o.managerId),
    customerComment: str(o.customerComment),
    managerComment: str(o.managerComment),
    tags: o.tags,
    customFields: customFieldsIn(o.customFields),
    totals: o.totals?.total
      ? {
          items: moneyFromProto(o.totals.items, `${field}.totals.items`),
          total: moneyFromProto(o.totals.total, `${field}.totals.total`),
          paid: moneyFromProto(o.totals.paid, `${field}.totals.paid`),
          due: moneyFromProto(o.totals.due, `${field}.totals.due`),
        }
      : undefined,
    version: Number(o.version) > 0 ? Number(o.version) : undefined,
    createdAt: time(o.createdAt, `${field}.createdAt`),
    updatedAt: time(o.updatedAt, `${field}.updatedAt`),
  });
}

export function orderToProto(o: OrderJson, field = 'order'): Order {
  return {
    id: o.id,
    numericId: o.numericId,
    site: o.site,
    number: o.number,
    externalId: o.externalId,
    orderType: o.orderType,
    orderMethod: o.orderMethod,
    status: o.status,
    statusGroup: o.statusGroup,
    statusUpdatedAt: ts(o.statusUpdatedAt),
    cancelReason: o.cancelReason,
    combinedInto: o.combinedInto,
    currency: o.currency,
    customer: o.customer,
    contragent: o.contragent,
    items: o.items?.map((item, i) => ({
      ...item,
      unitPrice: out(item.unitPrice, `${field}.items[${i}].unitPrice`),
      discount: out(item.discount, `${field}.items[${i}].discount`),
      total: out(item.total, `${field}.items[${i}].total`),
    })),
    discount: out(o.discount, `${field}.discount`),
    delivery: o.delivery && {
      ...o.delivery,
      cost: out(o.delivery.cost, `${field}.delivery.cost`),
      netCost: out(o.delivery.netCost, `${field}.delivery.netCost`),
    },
    payments: o.payments?.map((p, i) => paymentToProto(p, `${field}.payments[${i}]`)),
    managerId: o.managerId,
    customerComment: o.customerComment,
    managerComment: o.managerComment,
    tags: o.tags,
    customFields: customFieldsOut(o.customFields),
    totals: o.totals && {
      items: moneyToProto(o.totals.items),
      total: moneyToProto(o.totals.total),
      paid: moneyToProto(o.totals.paid),
      due: moneyToProto(o.totals.due),
    },
    version: o.version,
    createdAt: ts(o.createdAt),
    updatedAt: ts(o.updatedAt),
  };
}

export function paymentFromProto(p: Payment__Output, field = 'payment'): PaymentJson {
  return compact({
    id: str(p.id),
    numericId: Number(p.numericId) > 0 ? Number(p.numericId) : undefined,
    externalId: str(p.externalId),
    type: str(p.type),
    status: str(p.status),
    amount: money(p.amount, `${field}.amount`),
    paidAt: time(p.paidAt, `${field}.paidAt`),
  });
}

export function paymentToProto(p: PaymentJson, field = 'payment'): Payment {
  return { ...p, amount: out(p.amount, `${field}.amount`), paidAt: ts(p.paidAt) };
}
