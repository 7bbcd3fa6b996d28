import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OrderCreatedPayload, OrderSummary } from '@openretail/contracts';
import {
  NO_METRICS,
  computeMetrics,
  divideHalfUp,
  factOfSnapshot,
  sameFact,
  sameMetrics,
  snapshotOfCreated,
  snapshotOfSummary,
  type OrderFact,
} from './customer-metrics';

const at = (day: number) => new Date(Date.UTC(2026, 0, day, 12));
let n = 0;
const fact = (over: Partial<OrderFact> = {}): OrderFact => ({
  orderId: `00000000-0000-7000-8000-${String(++n).padStart(12, '0')}`,
  site: 'pult',
  currency: 'RUB',
  totalMinor: 100_00,
  paidMinor: 0,
  cancelled: false,
  orderedAt: at(1),
  offerExternalIds: [],
  productCategories: [],
  ...over,
});

test('no orders: zeros, no currency, no dates', () => {
  assert.deepEqual(computeMetrics([], 'pult'), NO_METRICS);
});

test('orders that count: count, total, average, first and last order', () => {
  const m = computeMetrics(
    [
      fact({ totalMinor: 1000_00, orderedAt: at(5) }),
      fact({ totalMinor: 250_00, orderedAt: at(2) }),
      fact({ totalMinor: 50_01, orderedAt: at(9) }),
    ],
    'pult',
  );
  assert.deepEqual(m, {
    ordersCount: 3,
    cancellations: 0,
    currency: 'RUB',
    totalSpentMinor: 1300_01,
    averageCheckMinor: 43334, // 130001 / 3 = 43333.67
    paidTotalMinor: 0,
    firstOrderAt: at(2),
    lastOrderAt: at(9),
  });
});

test('a cancelled order counts only in cancellations; what was paid on it stays in paidTotal', () => {
  const m = computeMetrics(
    [
      fact({ totalMinor: 500_00, paidMinor: 500_00, orderedAt: at(3) }),
      fact({ totalMinor: 900_00, paidMinor: 100_00, cancelled: true, orderedAt: at(10) }),
    ],
    'pult',
  );
  assert.equal(m.ordersCount, 1);
  assert.equal(m.cancellations, 1);
  assert.equal(m.totalSpentMinor, 500_00);
  assert.equal(m.averageCheckMinor, 500_00);
  assert.equal(m.paidTotalMinor, 600_00);
  assert.deepEqual([m.firstOrderAt, m.lastOrderAt], [at(3), at(3)], 'dates of the orders that count');
});

test('only cancelled orders: nothing counts, but the currency and the cancellations are known', () => {
  const m = computeMetrics([fact({ cancelled: true, paidMinor: 10 })], 'pult');
  assert.deepEqual(m, { ...NO_METRICS, currency: 'RUB', cancellations: 1, paidTotalMinor: 10 });
});

test("money is in the currency of the customer's newest order on its own site; other currencies count but add no money", () => {
  const facts = [
    fact({ site: 'pult', currency: 'RUB', totalMinor: 100_00, orderedAt: at(1) }),
    fact({ site: 'minsk', currency: 'BYN', totalMinor: 7_00, paidMinor: 7_00, orderedAt: at(20) }),
    fact({ site: 'pult', currency: 'RUB', totalMinor: 300_00, orderedAt: at(10) }),
  ];
  const m = computeMetrics(facts, 'pult');
  assert.equal(m.currency, 'RUB');
  assert.equal(m.ordersCount, 3, 'every order that counts, whatever its currency');
  assert.equal(m.totalSpentMinor, 400_00);
  assert.equal(m.averageCheckMinor, 200_00, 'over the orders in that currency');
  assert.equal(m.paidTotalMinor, 0);
  assert.deepEqual(m.lastOrderAt, at(20));

  const own = computeMetrics(facts, 'minsk');
  assert.equal(own.currency, 'BYN');
  assert.equal(own.totalSpentMinor, 7_00);
  assert.equal(own.paidTotalMinor, 7_00);
});

test('a site whose currency changed: the newest order decides; no order on the own site: the newest of all', () => {
  const changed = computeMetrics(
    [fact({ currency: 'RUB', orderedAt: at(1) }), fact({ currency: 'KZT', totalMinor: 5, orderedAt: at(2) })],
    'pult',
  );
  assert.deepEqual([changed.currency, changed.totalSpentMinor], ['KZT', 5]);
  const elsewhere = computeMetrics(
    [
      fact({ site: 'minsk', currency: 'BYN', orderedAt: at(4) }),
      fact({ site: 'x', currency: 'USD', orderedAt: at(3) }),
    ],
    'pult',
  );
  assert.equal(elsewhere.currency, 'BYN');
});

test('two newest orders at the same instant: the order id decides, so the result never depends on row order', () => {
  const a = fact({ orderId: '00000000-0000-7000-8000-00000000000a', currency: 'RUB', orderedAt: at(5) });
  const b = fact({ orderId: '00000000-0000-7000-8000-00000000000b', currency: 'USD', orderedAt: at(5) });
  assert.equal(computeMetrics([a, b], 'pult').currency, 'USD');
  assert.equal(computeMetrics([b, a], 'pult').currency, 'USD');
});

test('the average is rounded half up, exactly, also near the largest safe integer', () => {
  assert.equal(divideHalfUp(10, 4), 3); // 2.5
  assert.equal(divideHalfUp(9, 4), 2); // 2.25
  assert.equal(divideHalfUp(11, 4), 3); // 2.75
  assert.equal(divideHalfUp(0, 3), 0);
  assert.equal(divideHalfUp(5, 0), 0);
  const big = Number.MAX_SAFE_INTEGER - 1; // 9007199254740990
  assert.equal(divideHalfUp(big, 3), 3002399751580330);
  assert.equal(divideHalfUp(big, 7), 1286742750677284); // 1286742750677284.28
});

test('sums past the safe integer range fail instead of drifting', () => {
  assert.throws(
    () => computeMetrics([fact({ totalMinor: Number.MAX_SAFE_INTEGER }), fact({ totalMinor: 2 })], 'pult'),
    RangeError,
  );
});

test('sameMetrics compares every member, dates by instant', () => {
  const m = computeMetrics([fact({ orderedAt: at(1) })], 'pult');
  assert.ok(sameMetrics(m, { ...m, firstOrderAt: new Date(at(1)) }));
  assert.ok(!sameMetrics(m, { ...m, lastOrderAt: at(2) }));
  assert.ok(!sameMetrics(m, { ...m, currency: 'USD' }));
  assert.ok(!sameMetrics(m, NO_METRICS));
});

const summary = (over: Partial<OrderSummary> = {}): OrderSummary => ({
  orderId: '0195a1b2-0000-7000-8000-0000000000aa',
  site: 'pult',
  number: '1A',
  status: 'new',
  statusGroup: 'new',
  statusGroupKind: 'new',
  customer: {},
  total: { amountMinor: 1000, currency: 'RUB' },
  paid: { amountMinor: 400, currency: 'RUB' },
  version: 3,
  createdAt: '2026-01-05T10:00:00.000Z',
  updatedAt: '2026-01-06T10:00:00.000Z',
  ...over,
});

test('a summary: cancelled by the kind of its status group, whatever the group is called', () => {
  assert.equal(snapshotOfSummary(summary()).cancelled, false);
  assert.equal(
    snapshotOfSummary(summary({ statusGroup: 'otkaz', statusGroupKind: 'cancel' })).cancelled,
    true,
  );
  assert.equal(
    snapshotOfSummary(summary({ statusGroup: 'cancel', statusGroupKind: 'custom' })).cancelled,
    false,
  );
  // Events published before the kind was carried: the standard group code is the kind.
  assert.equal(
    snapshotOfSummary(summary({ statusGroup: 'cancel', statusGroupKind: undefined })).cancelled,
    true,
  );
});

test('a summary: money, version, dates, customer, offers and categories; absent when the event does not say', () => {
  const s = snapshotOfSummary(
    summary({ customerId: 'c-1', offerExternalIds: ['rx'], productCategories: ['receivers'] }),
  );
  assert.deepEqual(s, {
    orderId: '0195a1b2-0000-7000-8000-0000000000aa',
    site: 'pult',
    customerId: 'c-1',
    version: 3,
    currency: 'RUB',
    totalMinor: 1000,
    paidMinor: 400,
    statusGroup: 'new',
    cancelled: false,
    orderedAt: new Date('2026-01-05T10:00:00.000Z'),
    offerExternalIds: ['rx'],
    productCategories: ['receivers'],
  });
  assert.ok(!('offerExternalIds' in snapshotOfSummary(summary())));
  assert.ok(!('productCategories' in snapshotOfSummary(summary())));
  assert.ok(!('customerId' in snapshotOfSummary(summary())));
});

test('order.created: its summary when it carries one, else version 1 from the event itself', () => {
  const created: OrderCreatedPayload = {
    orderId: '0195a1b2-0000-7000-8000-0000000000bb',
    number: '2A',
    site: 'pult',
    status: 'new',
    customer: {},
    items: [
      { offerExternalId: 'rx', name: 'R', quantity: 1, unitPrice: { amountMinor: 500, currency: 'RUB' } },
      { name: 'C', quantity: 1, unitPrice: { amountMinor: 100, currency: 'RUB' } },
      { offerExternalId: 'rx', name: 'R2', quantity: 1, unitPrice: { amountMinor: 0, currency: 'RUB' } },
    ],
    total: { amountMinor: 600, currency: 'RUB' },
    createdAt: '2026-01-05T10:00:00.000Z',
  };
  assert.deepEqual(snapshotOfCreated(created), {
    orderId: created.orderId,
    site: 'pult',
    version: 1,
    currency: 'RUB',
    totalMinor: 600,
    paidMinor: 0,
    statusGroup: '',
    cancelled: false,
    orderedAt: new Date(created.createdAt),
    offerExternalIds: ['rx'],
  });
  const withSummary = {
    ...created,
    order: summary({ orderId: created.orderId, version: 1, customerId: 'c-9' }),
  };
  assert.equal(snapshotOfCreated(withSummary).customerId, 'c-9');
  assert.equal(snapshotOfCreated(withSummary).paidMinor, 400);
});

test('a fact counts the same unless money, currency, site, cancellation, date, offers or categories change', () => {
  const base = fact({ offerExternalIds: ['a', 'b'], productCategories: ['k'] });
  assert.ok(
    sameFact(base, {
      ...base,
      offerExternalIds: ['a', 'b'],
      productCategories: ['k'],
      orderedAt: new Date(base.orderedAt),
    }),
  );
  for (const change of [
    { totalMinor: base.totalMinor + 1 },
    { paidMinor: 1 },
    { currency: 'USD' },
    { site: 'minsk' },
    { cancelled: true },
    { orderedAt: at(2) },
    { offerExternalIds: ['a'] },
    { offerExternalIds: ['b', 'a'] },
    { productCategories: [] },
    { productCategories: ['k', 'l'] },
  ]) {
    assert.ok(!sameFact(base, { ...base, ...change }), JSON.stringify(change));
  }
});

test('the fact of a snapshot keeps the known offers and categories when the event does not name them', () => {
  const s = snapshotOfSummary(summary());
  const known = fact({ offerExternalIds: ['kept'], productCategories: ['kept-k'] });
  assert.deepEqual(factOfSnapshot(s, known).offerExternalIds, ['kept']);
  assert.deepEqual(factOfSnapshot(s, known).productCategories, ['kept-k']);
  const named = factOfSnapshot({ ...s, offerExternalIds: [], productCategories: ['new-k'] }, known);
  assert.deepEqual([named.offerExternalIds, named.productCategories], [[], ['new-k']]);
  assert.deepEqual([factOfSnapshot(s).offerExternalIds, factOfSnapshot(s).productCategories], [[], []]);
});
