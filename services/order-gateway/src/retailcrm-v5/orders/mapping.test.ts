import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError, type OrderJson } from '@openretail/contracts';
import { historyEntryToCrm } from './history-mapping';
import { ordersFilterFromCrm } from './order-filters';
import { crmFieldName, editFromCrm, orderFromCrm, orderToCrm, paymentFromCrm } from './order-mapping';
import type { ReferenceDocument } from '../wire/reference-snapshot';

const ctx = { timeZone: 'Europe/Moscow' };
const rub = (amountMinor: number) => ({ amountMinor, currency: 'RUB' });

const violations = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof ValidationError) return e.violations;
    throw e;
  }
  return assert.fail('no validation error');
};

test('a RetailCRM order becomes the platform order: names, phones, per-unit discounts, money in minor units', () => {
  const { order, status } = orderFromCrm(
    {
      externalId: 42,
      firstName: 'Анна',
      phone: '+79161234567',
      additionalPhone: '+79031112233',
      customer: { id: 17 },
      status: 'availability-check',
      items: [
        {
          offer: { xmlId: 'x-1' },
          productName: 'Кабель',
          initialPrice: '19.99',
          quantity: '3',
          discountManualAmount: 0.33,
        },
      ],
      delivery: {
        code: 'courier',
        cost: 500,
        time: { from: '10:00' },
        address: { index: '101000', city: 'Москва' },
      },
      payments: [{ type: 'cash', status: 'paid', amount: 59.97, paidAt: '2024-03-01 15:00:00' }],
      contragent: { contragentType: 'legal-entity', legalName: 'ООО Ромашка', INN: '7701234567' },
    },
    'pult',
    'RUB',
    ctx,
  );
  assert.equal(status, 'availability-check');
  assert.deepEqual(order, {
    site: 'pult',
    externalId: '42',
    currency: 'RUB',
    customer: { customerId: '17', firstName: 'Анна', phones: ['+79161234567', '+79031112233'] },
    contragent: { type: 'legal-entity', legalName: 'ООО Ромашка', inn: '7701234567' },
    items: [{ offerExternalId: 'x-1', name: 'Кабель', quantity: 3, unitPrice: rub(1999), discount: rub(99) }],
    delivery: { type: 'courier', address: '101000, Москва', cost: rub(50000), timeFrom: '10:00' },
    payments: [{ type: 'cash', status: 'paid', amount: rub(5997), paidAt: '2024-03-01T12:00:00.000Z' }],
  });
});

test('every translation problem is named at once, as RetailCRM names the field', () => {
  assert.deepEqual(
    violations(() =>
      orderFromCrm(
        {
          items: [{ productName: 'A', initialPrice: 1.005 }, { productName: 'B' }],
          discountManualPercent: 5,
        },
        'pult',
        'RUB',
        ctx,
      ),
    ),
    [
      {
        field: 'discountManualPercent',
        reason: 'percentage discounts are not supported: send discountManualAmount',
      },
      { field: 'items[0].initialPrice', reason: 'must have at most 2 decimal places in RUB' },
      { field: 'items[1].initialPrice', reason: 'is required (there is no catalog price to take)' },
    ],
  );
  assert.equal(crmFieldName('items[2].unitPrice.amountMinor'), 'items[2].initialPrice');
  assert.equal(crmFieldName('customer.phones[1]'), 'additionalPhone');
  assert.equal(crmFieldName('contragent.inn'), 'contragent.INN');
  assert.equal(crmFieldName('delivery.type'), 'delivery.code');
  assert.equal(crmFieldName('orderMethod'), 'orderMethod');
});

test('an edit is a merge patch of what it names; one phone changes, the other stays; status is apart', () => {
  const current: OrderJson = { currency: 'RUB', customer: { phones: ['+7111', '+7222'] } };
  assert.deepEqual(
    editFromCrm(
      { externalId: 'a', phone: '+7333', managerComment: '', status: 'agreed', delivery: { cost: 300 } },
      current,
      'externalId',
    ),
    {
      patch: {
        managerComment: null,
        customer: { phones: ['+7333', '+7222'] },
        delivery: { cost: rub(30000) },
      },
      status: 'agreed',
      cancelReason: undefined,
    },
  );
  assert.deepEqual(editFromCrm({ id: 5, externalId: 'new-ext' }, current, 'id').patch, {
    externalId: 'new-ext',
  });
});

test('an edit of the lines keeps the categories of those it names by id (RetailCRM has none)', () => {
  const current: OrderJson = {
    currency: 'RUB',
    items: [{ id: 'l1', categories: ['cables'], name: 'Кабель', quantity: 1, unitPrice: rub(1000) }],
  };
  const edit = editFromCrm(
    {
      items: [
        { id: 'l1', productName: 'Кабель', quantity: 2, initialPrice: 10 },
        { productName: 'Щётка', initialPrice: 5 },
      ],
    },
    current,
    'externalId',
  );
  assert.deepEqual(edit.patch.items, [
    { id: 'l1', categories: ['cables'], name: 'Кабель', quantity: 2, unitPrice: rub(1000) },
    { name: 'Щётка', quantity: 1, unitPrice: rub(500) },
  ]);
});

test('a platform order in RetailCRM shape: numeric id, local times, decimals, payments keyed by id', () => {
  const crm = orderToCrm(
    {
      id: '0195a1b2-0000-7000-8000-0000000000aa',
      numericId: 1042,
      number: '1042A',
      site: 'pult',
      status: 'new',
      currency: 'RUB',
      createdAt: '2024-03-01T12:00:00.000Z',
      customer: { firstName: 'Анна', phones: ['+7111'] },
      items: [
        { id: 'l1', name: 'Кабель', quantity: 3, unitPrice: rub(1000), discount: rub(100), total: rub(2900) },
      ],
      payments: [
        { id: 'p1', numericId: 77, externalId: 'cms-p1', type: 'cash', status: 'paid', amount: rub(2900) },
      ],
      totals: { items: rub(2900), total: rub(2900), paid: rub(2900), due: rub(0) },
    },
    ctx,
  );
  assert.equal(crm.id, 1042);
  assert.equal(crm.createdAt, '2024-03-01 15:00:00');
  assert.equal(crm.phone, '+7111');
  assert.deepEqual([crm.summ, crm.totalSumm, crm.prepaySum], [29, 29, 29]);
  assert.deepEqual((crm.items as Record<string, unknown>[])[0].prices, [
    { price: 9.66, quantity: 1 },
    { price: 9.67, quantity: 2 },
  ]);
  assert.deepEqual(crm.payments, {
    '77': { id: 77, externalId: 'cms-p1', type: 'cash', status: 'paid', amount: 29 },
  });
});

test('a RetailCRM payment: externalId kept, amount in minor units, paidAt from the local time', () => {
  assert.deepEqual(
    paymentFromCrm(
      {
        id: 5,
        externalId: 'cms-7',
        type: 'cash',
        status: 'paid',
        amount: 10.5,
        paidAt: '2024-03-01 15:00:00',
      },
      'RUB',
      ctx,
    ),
    {
      externalId: 'cms-7',
      type: 'cash',
      status: 'paid',
      amount: rub(1050),
      paidAt: '2024-03-01T12:00:00.000Z',
    },
  );
});

test('history entries in RetailCRM names: codes as {code}, money as decimals, lines with their item', () => {
  const order: OrderJson = {
    id: 'u',
    numericId: 7,
    externalId: 'e7',
    number: '7A',
    site: 'pult',
    payments: [{ id: 'p2', numericId: 31 }],
  };
  const into: OrderJson = { id: 'v', numericId: 8, externalId: 'e8', number: '8A', site: 'pult' };
  const at = new Date('2024-03-01T12:00:00Z');
  const hctx = { ...ctx, apiKeyId: 'key-1', orders: new Map([order, into].map((o) => [o.id!, o])) };
  const entry = (field: string, oldValue: unknown, newValue: unknown, apiKeyId?: string) =>
    historyEntryToCrm(
      {
        id: 9,
        orderId: 'u',
        site: 'pult',
        field,
        oldValue,
        newValue,
        source: 'manager',
        userId: 'u1',
        at,
        ...(apiKeyId ? { apiKeyId } : {}),
      },
      hctx,
    );
  assert.deepEqual(entry('status', 'new', 'agreed'), {
    id: 9,
    createdAt: '2024-03-01 15:00:00',
    source: 'user',
    user: { id: 'u1' },
    field: 'status',
    oldValue: { code: 'new' },
    newValue: { code: 'agreed' },
    order: { id: 7, externalId: 'e7', site: 'pult', number: '7A' },
  });
  assert.equal(entry('delivery.cost', rub(100), rub(250)).newValue, 2.5);
  const line = entry('items[l1].quantity', 1, 2);
  assert.deepEqual([line.field, line.item], ['order_product.quantity', { id: 'l1' }]);
  const categories = entry('items[l1].categories', ['cables'], ['cables', 'hdmi']);
  assert.deepEqual(
    [categories.field, categories.newValue, categories.item],
    ['order_product.categories', ['cables', 'hdmi'], { id: 'l1' }],
  );
  assert.deepEqual(entry('payments[p1]', null, { id: 'p1', numericId: 30 }).payment, { id: 30 });
  assert.deepEqual(
    entry('payments[p2].status', 'not-paid', 'paid').payment,
    { id: 31 },
    'from the order now',
  );
  // apiKey.current: whether the key reading the history made the change.
  assert.deepEqual(entry('status', 'new', 'agreed', 'key-1').apiKey, { current: true });
  assert.deepEqual(entry('status', 'new', 'agreed', 'key-2').apiKey, { current: false });
  assert.equal(entry('status', 'new', 'agreed').apiKey, undefined);
  const combined = entry('combinedInto', null, 'v');
  assert.deepEqual(
    [combined.field, combined.newValue, combined.combinedTo],
    ['combined_to', { id: 8 }, { id: 8, externalId: 'e8', site: 'pult', number: '8A' }],
  );
  assert.deepEqual(
    [entry('combinedFrom', null, 'v').field, entry('combinedFrom', null, 'v').newValue],
    ['combined_from', { id: 8 }],
  );
  assert.equal(entry('customFields.room-area', null, 20).field, 'room-area');
  const created = entry('created', null, { site: 'pult', status: 'new', currency: 'RUB', items: [] });
  assert.equal(created.created, true);
  assert.equal((created.order as Record<string, unknown>).id, 7);
});

test('list filters: numeric ids, groups expanded to their statuses, inclusive dates in the zone, unknown refused', () => {
  const ref = {
    statusGroups: [{ code: 'cancel' }],
    statuses: [
      { code: 'cancelled-a', group: 'cancel' },
      { code: 'cancelled-b', group: 'cancel' },
    ],
  } as unknown as ReferenceDocument;
  const f = ordersFilterFromCrm(
    {
      ids: ['5', '6'],
      extendedStatus: ['cancel', 'new'],
      createdAtFrom: '2024-03-01',
      createdAtTo: '2024-03-01',
      sinceId: '4',
    },
    ref,
    'Europe/Moscow',
  );
  assert.deepEqual(f.numericIds, [5, 6]);
  assert.deepEqual(f.statuses, ['cancelled-a', 'cancelled-b', 'new']);
  assert.deepEqual(f.createdFrom, { seconds: String(Date.parse('2024-02-29T21:00:00Z') / 1000), nanos: 0 });
  assert.deepEqual(f.createdTo, { seconds: String(Date.parse('2024-03-01T21:00:00Z') / 1000), nanos: 0 });
  assert.equal(f.afterNumericId, 4);
  assert.throws(
    () => ordersFilterFromCrm({ tags: ['x'] }, ref, 'Europe/Moscow'),
    /not supported|input parameters/,
  );
});
