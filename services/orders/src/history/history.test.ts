import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '@openretail/contracts';
import type { OrderItemState, OrderState, PaymentState } from '../orders/order-state';
import { CREATED_FIELD, diffOrder, type HistoryChange } from './history';

const rub = (amountMinor: number) => ({ amountMinor, currency: 'RUB' });
const item = (id: string, over: Partial<OrderItemState> = {}): OrderItemState => ({
  id,
  offerExternalId: `offer-${id}`,
  name: `Товар ${id}`,
  quantity: 1,
  unitPrice: rub(10_000),
  discount: rub(0),
  ...over,
});
const payment = (id: string, over: Partial<PaymentState> = {}): PaymentState => ({
  id,
  type: 'card-online',
  status: 'not-paid',
  amount: rub(10_000),
  ...over,
});
const order = (over: Partial<OrderState> = {}): OrderState => ({
  id: 'o-1',
  site: 'pult',
  number: '1001A',
  externalId: 'web-1',
  status: 'new',
  statusUpdatedAt: new Date('2026-01-01T10:00:00Z'),
  currency: 'RUB',
  customer: { customerId: 'c-1', firstName: 'Анна', phones: ['+79161234567'], email: 'anna@example.com' },
  contragent: { type: 'individual' },
  items: [item('a'), item('b', { quantity: 2 })],
  discount: rub(0),
  delivery: {
    type: 'courier',
    address: 'Москва, Тверская 1',
    cost: rub(30_000),
    netCost: rub(25_000),
    date: '2026-01-03',
  },
  payments: [payment('p1')],
  tags: ['vinyl'],
  customFields: { gift_wrap: false, floor: 3 },
  createdAt: new Date('2026-01-01T10:00:00Z'),
  updatedAt: new Date('2026-01-01T10:00:00Z'),
  ...over,
});
const later = new Date('2026-01-02T12:30:00Z');
const change = (field: string, oldValue: HistoryChange['oldValue'], newValue: HistoryChange['newValue']) => ({
  field,
  oldValue,
  newValue,
});
/** `after` is `before` with `edit` applied and a newer updatedAt, as a save would leave it. */
const diffEdit = (edit: Partial<OrderState>, before = order()) =>
  diffOrder(before, { ...before, ...edit, updatedAt: later });

describe('creation', () => {
  test('is one "created" entry holding the whole order, without updatedAt', () => {
    const created = order();
    const changes = diffOrder(undefined, created);
    assert.equal(changes.length, 1);
    assert.equal(changes[0].field, CREATED_FIELD);
    assert.equal(changes[0].oldValue, null);
    const value = changes[0].newValue as Record<string, unknown>;
    assert.equal(value.updatedAt, undefined);
    assert.equal(value.statusUpdatedAt, '2026-01-01T10:00:00.000Z');
    assert.equal(value.createdAt, '2026-01-01T10:00:00.000Z');
    assert.deepEqual(value.items, [
      {
        id: 'a',
        offerExternalId: 'offer-a',
        name: 'Товар a',
        quantity: 1,
        unitPrice: rub(10_000),
        discount: rub(0),
      },
      {
        id: 'b',
        offerExternalId: 'offer-b',
        name: 'Товар b',
        quantity: 2,
        unitPrice: rub(10_000),
        discount: rub(0),
      },
    ]);
    assert.deepEqual(value.delivery, {
      type: 'courier',
      address: 'Москва, Тверская 1',
      cost: rub(30_000),
      netCost: rub(25_000),
      date: '2026-01-03',
    });
    assert.deepEqual(value.customFields, { gift_wrap: false, floor: 3 });
    assert.deepEqual(value.tags, ['vinyl']);
  });

  test('is plain JSON with sorted keys, so equal orders give equal entries', () => {
    const [entry] = diffOrder(undefined, order({ managerId: undefined }));
    assert.deepEqual(JSON.parse(JSON.stringify(entry)), entry);
    assert.ok(!('managerId' in (entry.newValue as object)), 'unset fields are left out');
    const keys = Object.keys(entry.newValue as object);
    assert.deepEqual(keys, [...keys].sort());
    const reordered = Object.fromEntries(Object.entries(order()).reverse()) as unknown as OrderState;
    assert.equal(
      JSON.stringify(diffOrder(undefined, reordered)),
      JSON.stringify(diffOrder(undefined, order())),
    );
  });
});

describe('edits', () => {
  test('nothing but updatedAt changed gives no entries', () => {
    assert.deepEqual(diffEdit({}), []);
    // Equal values in new objects are no change either.
    assert.deepEqual(
      diffEdit({
        discount: rub(0),
        customer: { ...order().customer },
        items: order().items.map((i) => ({ ...i })),
      }),
      [],
    );
  });

  test('statusUpdatedAt counts only together with a status change', () => {
    assert.deepEqual(diffEdit({ statusUpdatedAt: later }), []);
    assert.deepEqual(diffEdit({ status: 'approval', statusUpdatedAt: later }), [
      change('status', 'new', 'approval'),
      change('statusUpdatedAt', '2026-01-01T10:00:00.000Z', '2026-01-02T12:30:00.000Z'),
    ]);
  });

  test('scalar fields: set, changed and cleared (null stands for not set)', () => {
    assert.deepEqual(
      diffEdit({ managerId: 'ivanov', orderType: 'installation', customerComment: 'Позвонить' }),
      [
        change('customerComment', null, 'Позвонить'),
        change('managerId', null, 'ivanov'),
        change('orderType', null, 'installation'),
      ],
    );
    const assigned = order({ managerId: 'ivanov', managerComment: 'VIP' });
    assert.deepEqual(diffEdit({ managerId: 'petrov', managerComment: undefined }, assigned), [
      change('managerComment', 'VIP', null),
      change('managerId', 'ivanov', 'petrov'),
    ]);
    assert.deepEqual(
      diffEdit({ status: 'cancel-no-answer', cancelReason: 'no-answer', statusUpdatedAt: later }),
      [
        change('cancelReason', null, 'no-answer'),
        change('status', 'new', 'cancel-no-answer'),
        change('statusUpdatedAt', '2026-01-01T10:00:00.000Z', '2026-01-02T12:30:00.000Z'),
      ],
    );
  });

  test('nested fields by dotted path', () => {
    const before = order();
    assert.deepEqual(
      diffEdit({
        delivery: { ...before.delivery!, date: '2026-01-05', address: 'Санкт-Петербург' },
        contragent: { type: 'legal-entity', legalName: 'ООО Звук', inn: '7701234567' },
        customer: { ...before.customer, email: 'anna@work.example' },
      }),
      [
        change('contragent.inn', null, '7701234567'),
        change('contragent.legalName', null, 'ООО Звук'),
        change('contragent.type', 'individual', 'legal-entity'),
        change('customer.email', 'anna@example.com', 'anna@work.example'),
        change('delivery.address', 'Москва, Тверская 1', 'Санкт-Петербург'),
        change('delivery.date', '2026-01-03', '2026-01-05'),
      ],
    );
  });

  test('phones are one value whose order matters', () => {
    const before = order();
    assert.deepEqual(
      diffEdit({ customer: { ...before.customer, phones: ['+79990000000', '+79161234567'] } }),
      [change('customer.phones', ['+79161234567'], ['+79990000000', '+79161234567'])],
    );
  });

  test('money is one {amountMinor, currency} value', () => {
    const before = order();
    assert.deepEqual(diffEdit({ discount: rub(1_500), delivery: { ...before.delivery!, cost: rub(0) } }), [
      change('delivery.cost', rub(30_000), rub(0)),
      change('discount', rub(0), rub(1_500)),
    ]);
    // Whatever else a money object carries (an ORM embeddable) is not history.
    const embedded = {
      amountMinor: 1_500,
      currency: 'RUB',
      dirty: true,
    } as unknown as OrderState['discount'];
    assert.deepEqual(diffEdit({ discount: embedded }), [change('discount', rub(0), rub(1_500))]);
  });

  test('adding or removing delivery is one entry per delivery field', () => {
    const none = order({ delivery: undefined });
    const delivery = { cost: rub(30_000), netCost: rub(25_000), pickupPoint: 'PVZ-17' };
    assert.deepEqual(diffEdit({ delivery }, none), [
      change('delivery.cost', null, rub(30_000)),
      change('delivery.netCost', null, rub(25_000)),
      change('delivery.pickupPoint', null, 'PVZ-17'),
    ]);
    assert.deepEqual(diffEdit({ delivery: undefined }, order({ delivery })), [
      change('delivery.cost', rub(30_000), null),
      change('delivery.netCost', rub(25_000), null),
      change('delivery.pickupPoint', 'PVZ-17', null),
    ]);
  });

  test('tags are a set: added and removed per tag, order and repeats ignored', () => {
    const before = order({ tags: ['vinyl', 'vip'] });
    assert.deepEqual(diffEdit({ tags: ['vip', 'b2b', 'vip'] }, before), [
      change('tags[b2b]', null, 'b2b'),
      change('tags[vinyl]', 'vinyl', null),
    ]);
    assert.deepEqual(diffEdit({ tags: ['vip', 'vinyl'] }, before), []);
  });

  test('custom fields by code; unset and null are the same', () => {
    const before = order({ customFields: { gift_wrap: false, floor: 3, note: null } });
    assert.deepEqual(diffEdit({ customFields: { gift_wrap: true, courier_call: 'yes' } }, before), [
      change('customFields.courier_call', null, 'yes'),
      change('customFields.floor', 3, null),
      change('customFields.gift_wrap', false, true),
    ]);
    assert.deepEqual(diffEdit({ customFields: { gift_wrap: false, floor: 3 } }, before), []);
  });

  test('numbers JSON cannot hold are kept as null', () => {
    assert.deepEqual(diffEdit({ customFields: { gift_wrap: false, floor: Number.NaN } }), [
      change('customFields.floor', 3, null),
    ]);
  });
});

describe('items and payments by id', () => {
  test('changed item fields by item id', () => {
    const before = order();
    assert.deepEqual(
      diffEdit(
        {
          items: [
            item('a', { quantity: 3, discount: rub(500), status: 'reserved' }),
            item('b', { quantity: 2, offerExternalId: undefined, unitPrice: rub(9_900) }),
          ],
        },
        before,
      ),
      [
        change('items[a].discount', rub(0), rub(500)),
        change('items[a].quantity', 1, 3),
        change('items[a].status', null, 'reserved'),
        change('items[b].offerExternalId', 'offer-b', null),
        change('items[b].unitPrice', rub(10_000), rub(9_900)),
      ],
    );
  });

  test('an added item is the whole item from null, a removed one the whole item to null', () => {
    assert.deepEqual(
      diffEdit({ items: [item('b', { quantity: 2 }), item('c', { status: 'awaiting-supply' })] }),
      [
        change(
          'items[a]',
          {
            discount: rub(0),
            id: 'a',
            name: 'Товар a',
            offerExternalId: 'offer-a',
            quantity: 1,
            unitPrice: rub(10_000),
          },
          null,
        ),
        change('items[c]', null, {
          discount: rub(0),
          id: 'c',
          name: 'Товар c',
          offerExternalId: 'offer-c',
          quantity: 1,
          status: 'awaiting-supply',
          unitPrice: rub(10_000),
        }),
      ],
    );
  });

  test('moving a line within the list is no change', () => {
    assert.deepEqual(diffEdit({ items: [...order().items].reverse() }), []);
  });

  test('payments by id: status, paid date as ISO, added and removed', () => {
    const paidAt = new Date('2026-01-02T09:15:00Z');
    assert.deepEqual(diffEdit({ payments: [payment('p1', { status: 'paid', paidAt })] }), [
      change('payments[p1].paidAt', null, '2026-01-02T09:15:00.000Z'),
      change('payments[p1].status', 'not-paid', 'paid'),
    ]);
    assert.deepEqual(diffEdit({ payments: [payment('p2', { type: 'credit', amount: rub(5_000) })] }), [
      change(
        'payments[p1]',
        { amount: rub(10_000), id: 'p1', status: 'not-paid', type: 'card-online' },
        null,
      ),
      change('payments[p2]', null, { amount: rub(5_000), id: 'p2', status: 'not-paid', type: 'credit' }),
    ]);
  });

  test('two items or payments with one id are refused: their history could not be told apart', () => {
    assert.throws(
      () => diffEdit({ items: [item('a'), item('a')] }),
      (e) => e instanceof ValidationError && e.violations[0].field === 'items[1].id',
    );
    assert.throws(
      () => diffOrder(order({ payments: [payment('p1'), payment('p1')] }), order()),
      (e) => e instanceof ValidationError && e.violations[0].field === 'payments[1].id',
    );
  });
});

describe('the whole diff', () => {
  test('is sorted by field path, deterministic, and plain JSON', () => {
    const before = order();
    const after: OrderState = {
      ...before,
      status: 'assembling',
      statusUpdatedAt: later,
      managerId: 'ivanov',
      tags: ['vip'],
      items: [item('c'), item('b', { quantity: 5 })],
      payments: [payment('p1', { status: 'paid', paidAt: later })],
      customFields: { ...before.customFields, floor: 4 },
      delivery: { ...before.delivery!, date: '2026-01-04' },
      discount: rub(100),
      updatedAt: later,
    };
    const changes = diffOrder(before, after);
    assert.deepEqual(
      changes.map((c) => c.field),
      [
        'customFields.floor',
        'delivery.date',
        'discount',
        'items[a]',
        'items[b].quantity',
        'items[c]',
        'managerId',
        'payments[p1].paidAt',
        'payments[p1].status',
        'status',
        'statusUpdatedAt',
        'tags[vinyl]',
        'tags[vip]',
      ],
    );
    assert.deepEqual(JSON.parse(JSON.stringify(changes)), changes);
    const shuffled = { ...after, items: [...after.items].reverse() };
    assert.equal(JSON.stringify(diffOrder(before, shuffled)), JSON.stringify(changes));
  });
});
