import type { OrderJson, PaymentJson } from '@openretail/contracts';
import { formatCrmDateTime, parseCrmDateTime } from '../wire/dates';
import { fromMoney, toMoney } from '../wire/money';
import { Problems, dropUndefined, has, idValue, isObject, text, type CrmObject } from '../wire/values';

/**
 * Orders between RetailCRM API v5 and the platform: pure translation of names and shapes (decimal
 * amounts to minor units, local times to UTC, `phone`/`additionalPhone` to the phone list). Every
 * business rule (codes, totals, the status matrix, validations) stays with the orders service.
 */

export interface MappingContext {
  /** The installation's time zone, for RetailCRM's `Y-m-d H:i:s`. */
  timeZone: string;
}

/** A quantity or count: JSON numbers, or numeric strings from form-minded clients. */
const numeric = (v: unknown): unknown =>
  typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v;

/** RetailCRM names for fields that have no counterpart here; sending them is refused, not dropped. */
const UNSUPPORTED: Record<string, string> = {
  discountManualPercent: 'percentage discounts are not supported: send discountManualAmount',
};

/** The delivery address: its text, or the text made of the parts RetailCRM clients send. */
function addressText(address: unknown): string | undefined {
  if (!isObject(address)) return undefined;
  if (typeof address.text === 'string' && address.text.trim()) return address.text;
  const parts = ['index', 'region', 'city', 'street', 'building', 'house', 'flat']
    .map((k) => text(address[k]))
    .filter((v): v is string => Boolean(v && v.trim()));
  return parts.length > 0 ? parts.join(', ') : undefined;
}

function itemFromCrm(item: unknown, i: number, currency: string, problems: Problems) {
  const field = `items[${i}]`;
  if (!isObject(item)) return problems.add(field, 'must be an object');
  for (const [name, reason] of Object.entries(UNSUPPORTED))
    if (has(item, name)) problems.add(`${field}.${name}`, reason);
  const offer = isObject(item.offer) ? item.offer : {};
  const quantity = numeric(item.quantity ?? 1);
  const unitPrice =
    item.initialPrice === undefined
      ? problems.add(`${field}.initialPrice`, 'is required (there is no catalog price to take)')
      : problems.try(() => toMoney(item.initialPrice, currency, `${field}.initialPrice`));
  // RetailCRM's manual discount is per unit; the platform's line discount is for the whole line.
  const unitDiscount =
    item.discountManualAmount === undefined
      ? undefined
      : problems.try(() => toMoney(item.discountManualAmount, currency, `${field}.discountManualAmount`));
  const discount =
    unitDiscount && typeof quantity === 'number' && Number.isInteger(quantity)
      ? { amountMinor: unitDiscount.amountMinor * quantity, currency }
      : undefined;
  return dropUndefined({
    id: text(item.id),
    offerExternalId: text(offer.externalId) ?? text(offer.xmlId),
    name: item.productName ?? offer.displayName ?? offer.name,
    quantity,
    unitPrice,
    discount,
    status: item.status,
  });
}

function deliveryFromCrm(delivery: unknown, currency: string, problems: Problems): OrderJson['delivery'] {
  if (delivery === undefined) return undefined;
  if (!isObject(delivery)) return problems.add('delivery', 'must be an object');
  const time = isObject(delivery.time) ? delivery.time : {};
  const service = isObject(delivery.service) ? delivery.service : {};
  return dropUndefined({
    type: delivery.code as string | undefined,
    carrier: text(service.code) ?? text(delivery.integrationCode),
    address: addressText(delivery.address),
    cost: has(delivery, 'cost')
      ? problems.try(() => toMoney(delivery.cost, currency, 'delivery.cost'))
      : undefined,
    netCost: has(delivery, 'netCost')
      ? problems.try(() => toMoney(delivery.netCost, currency, 'delivery.netCost'))
      : undefined,
    date: delivery.date as string | undefined,
    timeFrom: time.from as string | undefined,
    timeTo: time.to as string | undefined,
    pickupPoint: isObject(delivery.data) ? text(delivery.data.pickuppointAddress) : undefined,
  });
}

function contragentFromCrm(contragent: unknown): OrderJson['contragent'] {
  if (!isObject(contragent)) return undefined;
  return dropUndefined({
    type: contragent.contragentType as string | undefined,
    legalName: contragent.legalName as string | undefined,
    inn: text(contragent.INN),
    kpp: text(contragent.KPP),
    ogrn: text(contragent.OGRN),
    legalAddress: contragent.legalAddress as string | undefined,
    bank: contragent.bank as string | undefined,
    bik: text(contragent.BIK),
    bankAccount: text(contragent.bankAccount),
    corrAccount: text(contragent.corrAccount),
  });
}

/** A payment of RetailCRM (`amount`, `paidAt` as local time) as the platform's. */
export function paymentFromCrm(
  payment: CrmObject,
  currency: string,
  ctx: MappingContext,
  field = 'payment',
  problems = new Problems(),
): PaymentJson {
  const result = dropUndefined({
    externalId: text(payment.externalId),
    type: payment.type as string | undefined,
    status: payment.status as string | undefined,
    amount: has(payment, 'amount')
      ? problems.try(() => toMoney(payment.amount, currency, `${field}.amount`))
      : undefined,
    paidAt:
      typeof payment.paidAt === 'string' && payment.paidAt
        ? problems.try(() =>
            parseCrmDateTime(payment.paidAt as string, ctx.timeZone, `${field}.paidAt`).toISOString(),
          )
        : undefined,
  });
  problems.throwIfAny();
  return result;
}

/** The customer's phones: `phone` first, then `additionalPhone`. */
function phonesOf(order: CrmObject, current: readonly string[] = []): string[] | undefined {
  if (!has(order, 'phone') && !has(order, 'additionalPhone')) return undefined;
  const main = has(order, 'phone') ? text(order.phone) : current[0];
  const extra = has(order, 'additionalPhone') ? text(order.additionalPhone) : current[1];
  return [main, extra, ...current.slice(2)].filter((p): p is string => Boolean(p && p.trim()));
}

/** What a RetailCRM create carries besides the order: the status to move it to afterwards. */
export interface CrmCreate {
  order: OrderJson;
  /** RetailCRM sets the status on create; here it is a status change after the create. */
  status?: string;
  cancelReason?: string;
}

/**
 * A RetailCRM order to create on `site`. Its currency is the order's own (`currency`) or the
 * site's. Problems come all at once, named as RetailCRM names the fields.
 */
export function orderFromCrm(
  order: CrmObject,
  site: string,
  siteCurrency: string | undefined,
  ctx: MappingContext,
): CrmCreate {
  const problems = new Problems();
  const currency = text(order.currency) ?? siteCurrency;
  if (!currency) problems.add('currency', 'is required (the site has no currency)');
  const cur = currency ?? 'XXX';
  for (const [name, reason] of Object.entries(UNSUPPORTED)) if (has(order, name)) problems.add(name, reason);
  const items = Array.isArray(order.items)
    ? order.items.map((item, i) => itemFromCrm(item, i, cur, problems))
    : order.items === undefined
      ? []
      : problems.add('items', 'must be a list');
  const payments =
    order.payments === undefined
      ? []
      : Object.values(isObject(order.payments) || Array.isArray(order.payments) ? order.payments : {});
  const customer = isObject(order.customer) ? order.customer : {};
  const result: OrderJson = dropUndefined({
    site,
    externalId: text(order.externalId),
    orderType: order.orderType as string | undefined,
    orderMethod: order.orderMethod as string | undefined,
    currency,
    customer: dropUndefined({
      customerId: text(customer.id),
      firstName: order.firstName as string | undefined,
      lastName: order.lastName as string | undefined,
      phones: phonesOf(order) ?? [],
      email: order.email as string | undefined,
    }),
    contragent: contragentFromCrm(order.contragent),
    items: items as OrderJson['items'],
    discount: has(order, 'discountManualAmount')
      ? problems.try(() => toMoney(order.discountManualAmount, cur, 'discountManualAmount'))
      : undefined,
    delivery: deliveryFromCrm(order.delivery, cur, problems),
    payments: payments.map((p, i) =>
      isObject(p)
        ? problems.try(() => paymentFromCrm(p, cur, ctx, `payments[${i}]`))
        : problems.add(`payments[${i}]`, 'must be an object'),
    ) as PaymentJson[],
    managerId: text(order.managerId),
    customerComment: order.customerComment as string | undefined,
    managerComment: order.managerComment as string | undefined,
    customFields: order.customFields as OrderJson['customFields'],
  });
  problems.throwIfAny();
  return {
    order: result,
    status: text(order.status),
    cancelReason: text(order.cancelReason),
  };
}

/** What a RetailCRM edit carries: a merge patch of the platform's order, and a status to move to. */
export interface CrmEdit {
  /** A JSON merge patch in the native shape (see order-requests.ts orderPatch); empty when only the status changes. */
  patch: Record<string, unknown>;
  status?: string;
  cancelReason?: string;
}

/**
 * A RetailCRM edit (only the fields it names change) as a merge patch of the order it edits.
 * `current` is that order: the phones are one list here and two fields there, and its currency
 * prices the amounts.
 */
export function editFromCrm(order: CrmObject, current: OrderJson, by: 'id' | 'externalId'): CrmEdit {
  const problems = new Problems();
  const currency = current.currency ?? 'XXX';
  const patch: Record<string, unknown> = {};
  const set = (name: string, value: unknown) => {
    if (value !== undefined) patch[name] = value === '' ? null : value;
  };
  for (const [name, reason] of Object.entries(UNSUPPORTED)) if (has(order, name)) problems.add(name, reason);
  // With by=externalId the externalId names the order; with by=id it may be changed.
  if (by === 'id')
    set('externalId', order.externalId === undefined ? undefined : (text(order.externalId) ?? null));
  set('orderType', order.orderType);
  set('orderMethod', order.orderMethod);
  set('managerId', order.managerId === undefined ? undefined : (text(order.managerId) ?? null));
  set('customerComment', order.customerComment);
  set('managerComment', order.managerComment);
  const customer: Record<string, unknown> = {};
  if (has(order, 'firstName')) customer.firstName = order.firstName || null;
  if (has(order, 'lastName')) customer.lastName = order.lastName || null;
  if (has(order, 'email')) customer.email = order.email || null;
  const phones = phonesOf(order, current.customer?.phones ?? []);
  if (phones) customer.phones = phones;
  if (isObject(order.customer) && has(order.customer, 'id'))
    customer.customerId = text(order.customer.id) ?? null;
  if (Object.keys(customer).length > 0) patch.customer = customer;
  if (has(order, 'contragent')) patch.contragent = contragentFromCrm(order.contragent) ?? null;
  if (Array.isArray(order.items)) {
    // RetailCRM's lines have no categories: a line it names by id keeps those the platform has.
    const categories = new Map((current.items ?? []).map((line) => [line.id, line.categories]));
    patch.items = order.items.map((item, i) => {
      const line = itemFromCrm(item, i, currency, problems);
      const kept = line?.id === undefined ? undefined : categories.get(line.id);
      return kept ? { ...line, categories: kept } : line;
    });
  } else if (has(order, 'items')) problems.add('items', 'must be a list');
  if (has(order, 'discountManualAmount')) {
    patch.discount = problems.try(() =>
      toMoney(order.discountManualAmount, currency, 'discountManualAmount'),
    );
  }
  if (has(order, 'delivery')) {
    const delivery = deliveryFromCrm(order.delivery, currency, problems);
    // Only the members sent change (merged one level down, as RetailCRM does).
    if (delivery && Object.keys(delivery).length > 0) patch.delivery = delivery;
  }
  if (isObject(order.customFields)) {
    if (Object.keys(order.customFields).length > 0) patch.customFields = order.customFields;
  } else if (has(order, 'customFields')) problems.add('customFields', 'must be an object');
  problems.throwIfAny();
  return { patch, status: text(order.status), cancelReason: text(order.cancelReason) };
}

/**
 * The platform's names of order fields as RetailCRM names them, for error messages:
 * `items[0].unitPrice.amountMinor` is `items[0].initialPrice`, `customer.phones[0]` is `phone`.
 */
export function crmFieldName(field: string): string {
  const rules: [RegExp, string | ((match: string, key: string) => string)][] = [
    [/^order\./, ''],
    [/^customer\.firstName/, 'firstName'],
    [/^customer\.lastName/, 'lastName'],
    [/^customer\.email/, 'email'],
    [/^customer\.phones\[0\]/, 'phone'],
    [/^customer\.phones\[1\]/, 'additionalPhone'],
    [/^customer\.phones/, 'phone'],
    [/^customer\.customerId/, 'customer.id'],
    [/^(items\[\d+\])\.unitPrice(\.\w+)?/, '$1.initialPrice'],
    [/^(items\[\d+\])\.discount(\.\w+)?/, '$1.discountManualAmount'],
    [/^(items\[\d+\])\.name/, '$1.productName'],
    [/^(items\[\d+\])\.offerExternalId/, '$1.offer.externalId'],
    [/^discount(\.\w+)?$/, 'discountManualAmount'],
    [/^delivery\.type/, 'delivery.code'],
    [/^delivery\.address/, 'delivery.address.text'],
    [/^delivery\.(cost|netCost)\.\w+/, 'delivery.$1'],
    [/^delivery\.carrier/, 'delivery.service.code'],
    [/^delivery\.timeFrom/, 'delivery.time.from'],
    [/^delivery\.timeTo/, 'delivery.time.to'],
    [/^(payments\[\d+\]|payment)\.amount\.\w+/, '$1.amount'],
    [/^contragent\.type/, 'contragent.contragentType'],
    [/^contragent\.(inn|kpp|ogrn|bik)/, (_match, key) => `contragent.${key.toUpperCase()}`],
  ];
  for (const [pattern, replacement] of rules) {
    if (!pattern.test(field)) continue;
    return typeof replacement === 'string'
      ? field.replace(pattern, replacement)
      : field.replace(pattern, replacement);
  }
  return field;
}

/** A platform order in RetailCRM's shape (the order of a get, a list, a create's answer). */
export function orderToCrm(order: OrderJson, ctx: MappingContext): CrmObject {
  const phones = order.customer?.phones ?? [];
  const currency = order.currency;
  const time = (iso: string | undefined) => (iso ? formatCrmDateTime(iso, ctx.timeZone) : undefined);
  const d = order.delivery;
  return dropUndefined({
    id: order.numericId,
    externalId: order.externalId,
    number: order.number,
    site: order.site,
    status: order.status,
    statusUpdatedAt: time(order.statusUpdatedAt),
    createdAt: time(order.createdAt),
    orderType: order.orderType,
    orderMethod: order.orderMethod,
    currency,
    firstName: order.customer?.firstName,
    lastName: order.customer?.lastName,
    phone: phones[0],
    additionalPhone: phones[1],
    email: order.customer?.email,
    customer: dropUndefined({
      type: 'customer',
      id: idValue(order.customer?.customerId),
      firstName: order.customer?.firstName,
      lastName: order.customer?.lastName,
      email: order.customer?.email,
      phones: phones.map((number) => ({ number })),
    }),
    contragent: order.contragent
      ? dropUndefined({
          contragentType: order.contragent.type,
          legalName: order.contragent.legalName,
          INN: order.contragent.inn,
          KPP: order.contragent.kpp,
          OGRN: order.contragent.ogrn,
          legalAddress: order.contragent.legalAddress,
          bank: order.contragent.bank,
          BIK: order.contragent.bik,
          bankAccount: order.contragent.bankAccount,
          corrAccount: order.contragent.corrAccount,
        })
      : undefined,
    // The orders service computes the totals; a document without them (a history snapshot) has none.
    summ: order.totals ? fromMoney(order.totals.items) : undefined,
    totalSumm: order.totals ? fromMoney(order.totals.total) : undefined,
    prepaySum: order.totals ? fromMoney(order.totals.paid) : undefined,
    discountManualAmount: order.discount ? fromMoney(order.discount) : undefined,
    managerId: idValue(order.managerId),
    customerComment: order.customerComment,
    managerComment: order.managerComment,
    items: (order.items ?? []).map((item) => {
      const quantity = item.quantity ?? 0;
      const price = item.unitPrice?.amountMinor ?? 0;
      const lineDiscount = item.discount?.amountMinor ?? 0;
      const cur = item.unitPrice?.currency ?? currency ?? 'XXX';
      return dropUndefined({
        id: item.id,
        initialPrice: fromMoney(item.unitPrice),
        discountTotal:
          quantity > 0 ? fromMoney({ amountMinor: Math.round(lineDiscount / quantity), currency: cur }) : 0,
        prices: unitPrices(price, lineDiscount, quantity, cur),
        quantity,
        status: item.status,
        productName: item.name,
        offer: dropUndefined({ externalId: item.offerExternalId, name: item.name, displayName: item.name }),
      });
    }),
    delivery: d
      ? dropUndefined({
          code: d.type,
          service: d.carrier ? { code: d.carrier } : undefined,
          cost: d.cost ? fromMoney(d.cost) : undefined,
          netCost: d.netCost ? fromMoney(d.netCost) : undefined,
          date: d.date,
          time: d.timeFrom || d.timeTo ? dropUndefined({ from: d.timeFrom, to: d.timeTo }) : undefined,
          address: d.address ? { text: d.address } : undefined,
          data: d.pickupPoint ? { pickuppointAddress: d.pickupPoint } : undefined,
        })
      : undefined,
    // Keyed by payment id, as RetailCRM answers (an object, also when empty).
    payments: Object.fromEntries(
      (order.payments ?? []).map((p) => [String(p.numericId ?? p.id), paymentToCrm(p, ctx)]),
    ),
    customFields: order.customFields ?? {},
    cancelReason: order.cancelReason,
  });
}

/** A payment in RetailCRM's shape: its id is the payment's numeric id, unique in the installation. */
export function paymentToCrm(p: PaymentJson, ctx: MappingContext): CrmObject {
  return dropUndefined({
    id: p.numericId,
    externalId: p.externalId,
    type: p.type,
    status: p.status,
    amount: p.amount ? fromMoney(p.amount) : undefined,
    paidAt: p.paidAt ? formatCrmDateTime(p.paidAt, ctx.timeZone) : undefined,
  });
}

/**
 * The unit prices after discount, as RetailCRM's `prices` (price and how many units at it): a line
 * discount that does not divide by the quantity leaves some units one minor unit dearer.
 */
function unitPrices(priceMinor: number, lineDiscountMinor: number, quantity: number, currency: string) {
  if (quantity <= 0) return [];
  const net = priceMinor * quantity - lineDiscountMinor;
  const base = Math.floor(net / quantity);
  const dearer = net - base * quantity;
  return [
    { price: fromMoney({ amountMinor: base, currency }), quantity: quantity - dearer },
    ...(dearer > 0 ? [{ price: fromMoney({ amountMinor: base + 1, currency }), quantity: dearer }] : []),
  ].filter((p) => p.quantity > 0);
}
