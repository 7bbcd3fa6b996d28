import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Money } from '@openretail/contracts';
import { ValidationError, type FieldViolation } from '@openretail/contracts';
import type { OrderItemState, OrderState, PaymentState } from '../orders/order-state';
import {
  allocateOrderDiscount,
  amountDue,
  distributeDiscount,
  itemsTotal,
  lineTotal,
  orderTotal,
  paidTotal,
  percentDiscount,
  validateAmounts,
} from './totals';

const rub = (amountMinor: number): Money => ({ amountMinor, currency: 'RUB' });
const usd = (amountMinor: number): Money => ({ amountMinor, currency: 'USD' });
const MAX = Number.MAX_SAFE_INTEGER;

const item = (quantity: number, unitPrice: number, discount = 0, over: Partial<OrderItemState> = {}) => ({
  id: `item-${unitPrice}-${quantity}`,
  name: 'Товар',
  quantity,
  unitPrice: rub(unitPrice),
  discount: rub(discount),
  ...over,
});
const payment = (amount: number, status: string, over: Partial<PaymentState> = {}): PaymentState => ({
  id: `pay-${amount}-${status}`,
  type: 'card-online',
  status,
  amount: rub(amount),
  ...over,
});
const order = (over: Partial<OrderState> = {}): OrderState => ({
  id: 'o-1',
  site: 'pult',
  number: '1001A',
  status: 'new',
  statusUpdatedAt: new Date('2026-01-01T10:00:00Z'),
  currency: 'RUB',
  customer: { phones: [] },
  contragent: { type: 'individual' },
  items: [item(2, 4_999_000), item(3, 99_050, 1_000)],
  discount: rub(0),
  payments: [],
  tags: [],
  customFields: {},
  createdAt: new Date('2026-01-01T10:00:00Z'),
  updatedAt: new Date('2026-01-01T10:00:00Z'),
  ...over,
});
const isPaid = (status: string) => status === 'paid';

/** The violations of the ValidationError `fn` throws, as field → reason. */
function violations(fn: () => unknown): Record<string, string> {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ValidationError, String(e));
    return asRecord(e.violations);
  }
  assert.fail('expected a ValidationError');
}
const asRecord = (list: readonly FieldViolation[]) =>
  Object.fromEntries(list.map((v) => [v.field, v.reason]));

describe('lineTotal', () => {
  test('is quantity × unit price − the line discount', () => {
    assert.deepEqual(lineTotal(item(3, 99_050, 1_000)), rub(3 * 99_050 - 1_000));
    assert.deepEqual(lineTotal(item(1, 0)), rub(0));
  });

  test('a discount equal to the line gives zero, one above it is an error, never a negative total', () => {
    assert.deepEqual(lineTotal(item(2, 500, 1_000)), rub(0));
    assert.deepEqual(
      violations(() => lineTotal(item(2, 500, 1_001))),
      {
        'item.discount.amountMinor': 'must not exceed the line total (1000)',
      },
    );
  });

  test('quantity must be a whole number of at least 1', () => {
    for (const quantity of [0, -1, 1.5, Number.NaN, Infinity, MAX + 1]) {
      assert.deepEqual(
        violations(() => lineTotal(item(quantity, 100))),
        {
          'item.quantity': 'must be a whole number of at least 1',
        },
      );
    }
  });

  test('prices and discounts must be non-negative integers in the same currency', () => {
    assert.deepEqual(
      violations(() => lineTotal(item(1, -1, -2))),
      {
        'item.unitPrice.amountMinor': 'must not be negative',
        'item.discount.amountMinor': 'must not be negative',
      },
    );
    assert.deepEqual(
      violations(() => lineTotal(item(1, 10.5))),
      {
        'item.unitPrice.amountMinor': 'must be an integer number of minor units',
      },
    );
    assert.deepEqual(
      violations(() => lineTotal({ ...item(1, 100), discount: usd(1) }, 'items[4]')),
      {
        'items[4].discount.currency': 'must be the order currency RUB',
      },
    );
  });

  test('a line beyond the safe integer range is an error, not a rounded amount', () => {
    assert.deepEqual(
      violations(() => lineTotal(item(1_000_000, 10_000_000_000))),
      {
        item: 'the line total is too large',
      },
    );
    assert.deepEqual(
      violations(() => lineTotal(item(2, 2 ** 52))),
      { item: 'the line total is too large' },
    );
    assert.deepEqual(lineTotal(item(1, MAX)), rub(MAX));
    assert.deepEqual(
      violations(() => lineTotal(item(1, MAX + 1))),
      {
        'item.unitPrice.amountMinor': 'is too large',
      },
    );
  });
});

describe('itemsTotal and orderTotal', () => {
  test('items total is the sum of the line totals; an order without items totals zero', () => {
    assert.deepEqual(itemsTotal(order()), rub(2 * 4_999_000 + 3 * 99_050 - 1_000));
    assert.deepEqual(itemsTotal(order({ items: [] })), rub(0));
    assert.deepEqual(orderTotal(order({ items: [] })), rub(0));
  });

  test('order total = items − order discount + delivery cost; net cost is the shop’s own', () => {
    const o = order({
      items: [item(1, 10_000), item(2, 5_000, 500)],
      discount: rub(1_500),
      delivery: { cost: rub(30_000), netCost: rub(25_000), address: 'Москва' },
    });
    assert.deepEqual(itemsTotal(o), rub(19_500));
    assert.deepEqual(orderTotal(o), rub(19_500 - 1_500 + 30_000));
    assert.deepEqual(orderTotal({ ...o, delivery: undefined }), rub(18_000));
  });

  test('an order discount up to the items total is fine; above it is an error', () => {
    const o = order({ items: [item(1, 10_000)], delivery: { cost: rub(500), netCost: rub(0) } });
    assert.deepEqual(orderTotal({ ...o, discount: rub(10_000) }), rub(500));
    assert.deepEqual(
      violations(() => orderTotal({ ...o, discount: rub(10_001) })),
      {
        'discount.amountMinor': 'must not exceed the items total (10000)',
      },
    );
    assert.deepEqual(
      violations(() => orderTotal({ ...o, discount: rub(-1) })),
      {
        'discount.amountMinor': 'must not be negative',
      },
    );
  });

  test('every amount must be in the order currency, named by its path', () => {
    const o = order({
      items: [item(1, 100), item(1, 200), { ...item(1, 300), unitPrice: usd(300) }],
      discount: usd(0),
      delivery: { cost: usd(100), netCost: rub(0) },
    });
    assert.deepEqual(
      violations(() => orderTotal(o)),
      {
        'items[2].unitPrice.currency': 'must be the order currency RUB',
        'discount.currency': 'must be the order currency RUB',
        'delivery.cost.currency': 'must be the order currency RUB',
      },
    );
    assert.deepEqual(
      violations(() => itemsTotal(o)),
      {
        'items[2].unitPrice.currency': 'must be the order currency RUB',
      },
    );
  });

  test('the order currency itself must be an ISO 4217 code', () => {
    const o = order({ currency: 'rub', items: [], discount: { amountMinor: 0, currency: 'rub' } });
    assert.deepEqual(
      violations(() => orderTotal(o)),
      {
        currency: 'must be an ISO 4217 code of three capital letters',
      },
    );
  });

  test('a B2B order of ten million roubles adds up to the kopeck', () => {
    const o = order({ items: [item(1, 1_000_000_000)], delivery: { cost: rub(0), netCost: rub(1_200_000) } });
    assert.deepEqual(orderTotal(o), rub(1_000_000_000));
    // The same ten million over 500 lines, with a kopeck off the order.
    const many = order({
      items: Array.from({ length: 500 }, (_, i) => item(4, 500_000, 0, { id: `l${i}` })),
    });
    assert.deepEqual(itemsTotal(many), rub(1_000_000_000));
    assert.deepEqual(orderTotal({ ...many, discount: rub(1) }), rub(999_999_999));
  });

  test('totals beyond the safe integer range are errors, exactly at the limit they are fine', () => {
    assert.deepEqual(
      orderTotal(order({ items: [item(1, MAX - 1)], delivery: { cost: rub(1), netCost: rub(0) } })),
      rub(MAX),
    );
    assert.deepEqual(
      violations(() => itemsTotal(order({ items: [item(1, 2 ** 52), item(1, 2 ** 52)] }))),
      {
        items: 'the items total is too large',
      },
    );
    assert.deepEqual(
      violations(() =>
        orderTotal(order({ items: [item(1, MAX)], delivery: { cost: rub(1), netCost: rub(0) } })),
      ),
      { 'delivery.cost': 'makes the order total too large' },
    );
  });
});

describe('paidTotal and amountDue', () => {
  const o = order({
    items: [item(1, 10_000)],
    delivery: { cost: rub(500), netCost: rub(300) },
    payments: [payment(6_000, 'paid'), payment(4_500, 'not-paid'), payment(1_000, 'paid')],
  });

  test('paid total counts only payments in a paid status', () => {
    assert.deepEqual(paidTotal(o, isPaid), rub(7_000));
    assert.deepEqual(
      paidTotal(o, () => false),
      rub(0),
    );
    assert.deepEqual(paidTotal({ ...o, payments: [] }, isPaid), rub(0));
  });

  test('every payment must be a non-negative amount in the order currency, paid or not', () => {
    const bad = {
      ...o,
      payments: [payment(1, 'paid'), { ...payment(2, 'pending'), amount: usd(2) }, payment(-3, 'paid')],
    };
    assert.deepEqual(
      violations(() => paidTotal(bad, isPaid)),
      {
        'payments[1].amount.currency': 'must be the order currency RUB',
        'payments[2].amount.amountMinor': 'must not be negative',
      },
    );
  });

  test('the sum of paid payments beyond the safe range is an error', () => {
    const huge = { ...o, payments: [payment(MAX, 'paid'), payment(1, 'paid')] };
    assert.deepEqual(
      violations(() => paidTotal(huge, isPaid)),
      { payments: 'the sum of payments is too large' },
    );
  });

  test('amount due is total − paid', () => {
    assert.deepEqual(amountDue(o, isPaid), {
      total: rub(10_500),
      paid: rub(7_000),
      due: rub(3_500),
      overpaid: false,
    });
    const settled = { ...o, payments: [payment(10_500, 'paid')] };
    assert.deepEqual(amountDue(settled, isPaid), {
      total: rub(10_500),
      paid: rub(10_500),
      due: rub(0),
      overpaid: false,
    });
  });

  test('overpayment is allowed and flagged with a negative amount due', () => {
    const over = { ...o, payments: [payment(10_500, 'paid'), payment(1_000, 'paid')] };
    assert.deepEqual(amountDue(over, isPaid), {
      total: rub(10_500),
      paid: rub(11_500),
      due: rub(-1_000),
      overpaid: true,
    });
  });

  test('amount due reports the problems of the total and of the payments together', () => {
    const bad = { ...o, discount: rub(20_000), payments: [{ ...payment(1, 'paid'), amount: usd(1) }] };
    assert.deepEqual(
      violations(() => amountDue(bad, isPaid)),
      {
        'discount.amountMinor': 'must not exceed the items total (10000)',
        'payments[0].amount.currency': 'must be the order currency RUB',
      },
    );
  });
});

describe('validateAmounts', () => {
  test('a valid order, even an overpaid one, has no violations', () => {
    assert.deepEqual(validateAmounts(order()), []);
    assert.deepEqual(
      validateAmounts(order({ items: [item(1, 100)], payments: [payment(1_000, 'paid')] })),
      [],
    );
  });

  test('returns every violation of the order at once', () => {
    const o = order({
      currency: 'RUB',
      items: [
        item(0, 100),
        item(1, -5),
        item(2, 100, 201),
        { ...item(1, 100), unitPrice: usd(100) },
        item(1, 100, 0, { discount: usd(0) }),
      ],
      discount: rub(-1),
      delivery: { cost: rub(-10), netCost: usd(5) },
      payments: [payment(10, 'paid'), { ...payment(20, 'pending'), amount: usd(20) }, payment(-1, 'refund')],
    });
    assert.deepEqual(asRecord(validateAmounts(o)), {
      'items[0].quantity': 'must be a whole number of at least 1',
      'items[1].unitPrice.amountMinor': 'must not be negative',
      'items[2].discount.amountMinor': 'must not exceed the line total (200)',
      'items[3].unitPrice.currency': 'must be the order currency RUB',
      'items[4].discount.currency': 'must be the order currency RUB',
      'discount.amountMinor': 'must not be negative',
      'delivery.cost.amountMinor': 'must not be negative',
      'delivery.netCost.currency': 'must be the order currency RUB',
      'payments[1].amount.currency': 'must be the order currency RUB',
      'payments[2].amount.amountMinor': 'must not be negative',
    });
  });

  test('reports an order discount above the items total when the items are valid', () => {
    assert.deepEqual(asRecord(validateAmounts(order({ items: [item(1, 100)], discount: rub(101) }))), {
      'discount.amountMinor': 'must not exceed the items total (100)',
    });
  });

  test('reports the order currency once', () => {
    const o = order({ currency: 'RUBLES', items: [], discount: { amountMinor: 0, currency: 'RUBLES' } });
    assert.deepEqual(validateAmounts(o), [
      { field: 'currency', reason: 'must be an ISO 4217 code of three capital letters' },
    ]);
  });
});

describe('percentDiscount', () => {
  test('takes the percent of the amount', () => {
    assert.deepEqual(percentDiscount(rub(1_000), 10), rub(100));
    assert.deepEqual(percentDiscount(rub(1_000_000_000), 12), rub(120_000_000));
    assert.deepEqual(percentDiscount(rub(1_000_000_000), 33.333), rub(333_330_000));
    assert.deepEqual(percentDiscount(rub(1_234), 0), rub(0));
    assert.deepEqual(percentDiscount(rub(1_234), 100), rub(1_234));
    assert.deepEqual(percentDiscount(rub(MAX), 100), rub(MAX));
  });

  test('rounds half away from zero to the minor unit', () => {
    assert.deepEqual(percentDiscount(rub(5), 10), rub(1)); // 0.5
    assert.deepEqual(percentDiscount(rub(15), 10), rub(2)); // 1.5
    assert.deepEqual(percentDiscount(rub(25), 10), rub(3)); // 2.5, not banker's 2
    assert.deepEqual(percentDiscount(rub(24), 10), rub(2)); // 2.4
    assert.deepEqual(percentDiscount(rub(-5), 10), rub(-1));
    assert.deepEqual(percentDiscount(rub(-25), 10), rub(-3));
    assert.deepEqual(percentDiscount(rub(100), 0.5), rub(1));
  });

  test('33.333% cases round on the exact decimal', () => {
    assert.deepEqual(percentDiscount(rub(100), 33.333), rub(33)); // 33.333
    assert.deepEqual(percentDiscount(rub(150), 33.333), rub(50)); // 49.9995
    assert.deepEqual(percentDiscount(rub(300), 33.333), rub(100)); // 99.999
    assert.deepEqual(percentDiscount(rub(1), 33.333), rub(0));
    assert.deepEqual(percentDiscount(rub(3), 33.333), rub(1)); // 0.99999
  });

  test('binary floating point never shifts a rounding', () => {
    // In floats 250 × 64.6 / 100 is 161.49999999999997 and 1000 × 1.15 / 100 is 11.499999999999998.
    assert.deepEqual(percentDiscount(rub(250), 64.6), rub(162));
    assert.deepEqual(percentDiscount(rub(375), 9.2), rub(35));
    assert.deepEqual(percentDiscount(rub(1_000), 1.15), rub(12));
    assert.deepEqual(percentDiscount(rub(1_000_000_000), 1e-7), rub(1));
  });

  test('a tiny negative result is zero, not minus zero', () => {
    assert.ok(Object.is(percentDiscount(rub(-4), 10).amountMinor, 0));
  });

  test('the percent must be from 0 to 100 and the amount a safe integer', () => {
    for (const percent of [-1, 100.0001, Number.NaN, Infinity]) {
      assert.deepEqual(
        violations(() => percentDiscount(rub(100), percent)),
        {
          percent: 'must be a number from 0 to 100',
        },
      );
    }
    assert.deepEqual(
      violations(() => percentDiscount(rub(100), 101, 'discountPercent')),
      {
        discountPercent: 'must be a number from 0 to 100',
      },
    );
    assert.deepEqual(
      violations(() => percentDiscount(rub(1.5), 10)),
      {
        'amount.amountMinor': 'must be a safe integer number of minor units',
      },
    );
  });
});

describe('distributeDiscount', () => {
  const amounts = (list: Money[]) => list.map((m) => m.amountMinor);

  test('splits in proportion to the lines', () => {
    assert.deepEqual(distributeDiscount([rub(100), rub(200), rub(700)], rub(100)), [
      rub(10),
      rub(20),
      rub(70),
    ]);
  });

  test('1/1/1 with a kopeck: the leftover kopecks go to the earliest of equal remainders', () => {
    assert.deepEqual(amounts(distributeDiscount([rub(1), rub(1), rub(1)], rub(1))), [1, 0, 0]);
    assert.deepEqual(amounts(distributeDiscount([rub(1), rub(1), rub(1)], rub(2))), [1, 1, 0]);
    assert.deepEqual(amounts(distributeDiscount([rub(1), rub(1), rub(1)], rub(3))), [1, 1, 1]);
    assert.deepEqual(amounts(distributeDiscount([rub(1), rub(1), rub(1), rub(1)], rub(2))), [1, 1, 0, 0]);
  });

  test('leftover kopecks go to the largest remainders first', () => {
    // 1 × 1/3 and 1 × 2/3: remainders 1 and 2.
    assert.deepEqual(amounts(distributeDiscount([rub(1), rub(2)], rub(1))), [0, 1]);
    // 10 over 3/3/4 is exact; 11 over 30/30/40 is 3.3, 3.3, 4.4: the kopeck left goes to the .4.
    assert.deepEqual(amounts(distributeDiscount([rub(3), rub(3), rub(4)], rub(10))), [3, 3, 4]);
    assert.deepEqual(amounts(distributeDiscount([rub(30), rub(30), rub(40)], rub(11))), [3, 3, 5]);
  });

  test('33.333% of three equal lines', () => {
    const lines = [rub(100), rub(100), rub(100)];
    const discount = percentDiscount(rub(300), 33.333);
    assert.deepEqual(discount, rub(100));
    assert.deepEqual(amounts(distributeDiscount(lines, discount)), [34, 33, 33]);
  });

  test('a line of zero gets nothing; a discount of the whole sum takes every line', () => {
    assert.deepEqual(amounts(distributeDiscount([rub(0), rub(5), rub(0)], rub(5))), [0, 5, 0]);
    assert.deepEqual(amounts(distributeDiscount([rub(0), rub(7), rub(3)], rub(9))), [0, 6, 3]);
    assert.deepEqual(amounts(distributeDiscount([rub(17), rub(4), rub(9)], rub(30))), [17, 4, 9]);
  });

  test('no discount, or no lines and no discount, gives zeros', () => {
    assert.deepEqual(distributeDiscount([rub(5), rub(0)], rub(0)), [rub(0), rub(0)]);
    assert.deepEqual(distributeDiscount([rub(0), rub(0)], rub(0)), [rub(0), rub(0)]);
    assert.deepEqual(distributeDiscount([], rub(0)), []);
  });

  test('stays exact where discount × line exceeds the safe integer range', () => {
    // 999,999,999 × 999,999,999 ≈ 1e18: floats would lose the kopeck.
    assert.deepEqual(
      amounts(distributeDiscount([rub(999_999_999), rub(1)], rub(999_999_999))),
      [999_999_998, 1],
    );
    assert.deepEqual(amounts(distributeDiscount([rub(MAX - 1), rub(1)], rub(MAX))), [MAX - 1, 1]);
  });

  test('parts always add up to the discount and never exceed their line', () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 48_271) % 2_147_483_647; // Park–Miller: exact in doubles
      return seed % n;
    };
    for (let round = 0; round < 500; round++) {
      const lines = Array.from({ length: 1 + random(30) }, () =>
        rub(random(5) === 0 ? 0 : random(2_000_000_000)),
      );
      const sum = lines.reduce((a, l) => a + l.amountMinor, 0);
      const discount = rub(sum === 0 ? 0 : random(sum + 1));
      const parts = distributeDiscount(lines, discount);
      assert.equal(parts.length, lines.length);
      assert.equal(
        parts.reduce((a, p) => a + p.amountMinor, 0),
        discount.amountMinor,
      );
      parts.forEach((p, i) => {
        assert.ok(p.amountMinor >= 0 && p.amountMinor <= lines[i].amountMinor, `line ${i}`);
        assert.equal(p.currency, 'RUB');
        // Within one minor unit of the exact proportional share.
        const exact = sum === 0 ? 0 : (discount.amountMinor * lines[i].amountMinor) / sum;
        assert.ok(Math.abs(p.amountMinor - exact) < 1 + 1e-6, `line ${i}: ${p.amountMinor} vs ${exact}`);
      });
    }
  });

  test('refuses a discount above the lines, negative amounts and other currencies', () => {
    assert.deepEqual(
      violations(() => distributeDiscount([rub(1), rub(2)], rub(4))),
      {
        'discount.amountMinor': 'must not exceed the sum of the lines (3)',
      },
    );
    assert.deepEqual(
      violations(() => distributeDiscount([], rub(1))),
      {
        'discount.amountMinor': 'must not exceed the sum of the lines (0)',
      },
    );
    assert.deepEqual(
      violations(() => distributeDiscount([rub(-1), usd(5), rub(0.5)], rub(-1))),
      {
        'discount.amountMinor': 'must not be negative',
        'lines[0].amountMinor': 'must not be negative',
        'lines[1].currency': 'must be the order currency RUB',
        'lines[2].amountMinor': 'must be an integer number of minor units',
      },
    );
  });
});

describe('allocateOrderDiscount', () => {
  test('splits the order discount over the line totals after item discounts', () => {
    const o = order({ items: [item(1, 1_000, 500), item(1, 500), item(2, 500)], discount: rub(100) });
    // Line totals 500, 500, 1000.
    assert.deepEqual(allocateOrderDiscount(o), [rub(25), rub(25), rub(50)]);
  });

  test('an order of many lines keeps every kopeck', () => {
    const items = Array.from({ length: 300 }, (_, i) =>
      item(1 + (i % 7), 100_000 + i * 3_331, i % 11, { id: `l${i}` }),
    );
    const o = order({ items, discount: rub(1_000_003) });
    const parts = allocateOrderDiscount(o);
    assert.equal(
      parts.reduce((a, p) => a + p.amountMinor, 0),
      1_000_003,
    );
    const total = itemsTotal(o).amountMinor;
    assert.deepEqual(orderTotal(o), rub(total - 1_000_003));
  });

  test('refuses an order whose amounts are invalid', () => {
    assert.deepEqual(
      violations(() => allocateOrderDiscount(order({ items: [item(1, 100)], discount: rub(101) }))),
      {
        'discount.amountMinor': 'must not exceed the items total (100)',
      },
    );
  });
});
