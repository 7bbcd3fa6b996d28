import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { segmentFilterSchema, type SegmentFilter } from '@openretail/contracts';
import { NO_METRICS, type CustomerMetrics, type OrderFact } from '../metrics/customer-metrics';
import { lastOrderBounds, matchesSegment, type SegmentSubject } from './segment-match';

const NOW = new Date('2026-03-31T12:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;
const daysBefore = (d: number, now = NOW) => new Date(now.getTime() - d * DAY);

const metrics = (over: Partial<CustomerMetrics> = {}): CustomerMetrics => ({
  ...NO_METRICS,
  ordersCount: 3,
  currency: 'RUB',
  totalSpentMinor: 30_000_00,
  averageCheckMinor: 10_000_00,
  paidTotalMinor: 30_000_00,
  firstOrderAt: daysBefore(100),
  lastOrderAt: daysBefore(10),
  ...over,
});
const customer = (over: Partial<SegmentSubject> = {}): SegmentSubject => ({
  site: 'pult',
  tags: ['vinyl', 'moscow'],
  vip: false,
  consent: { email: { status: 'granted' }, sms: { status: 'denied' } },
  metrics: metrics(),
  ...over,
});
const fact = (offers: string[], cancelled = false, categories: string[] = []): OrderFact => ({
  orderId: 'o',
  site: 'pult',
  currency: 'RUB',
  totalMinor: 1,
  paidMinor: 0,
  cancelled,
  orderedAt: daysBefore(10),
  offerExternalIds: offers,
  productCategories: categories,
});
/** Filters go through the schema, as they do when a segment is saved. */
const filter = (f: unknown): SegmentFilter => segmentFilterSchema.parse(f);
const matches = (f: unknown, c = customer(), facts: OrderFact[] = [], now = NOW) =>
  matchesSegment(c, facts, filter(f), now);

describe('matchesSegment', () => {
  test('an empty filter takes every customer; a profile merged away is in no segment', () => {
    assert.equal(matches({}), true);
    assert.equal(matches({}, customer({ mergedInto: 'x' })), false);
    assert.equal(matches({ vip: false }, customer({ mergedInto: 'x' })), false);
  });

  test('tags: any of, all of, none of, and together', () => {
    assert.equal(matches({ tags: { any: ['vinyl', 'cd'] } }), true);
    assert.equal(matches({ tags: { any: ['cd', 'tape'] } }), false);
    assert.equal(matches({ tags: { all: ['vinyl', 'moscow'] } }), true);
    assert.equal(matches({ tags: { all: ['vinyl', 'cd'] } }), false);
    assert.equal(matches({ tags: { none: ['blacklist'] } }), true);
    assert.equal(matches({ tags: { none: ['blacklist', 'moscow'] } }), false);
    assert.equal(matches({ tags: { any: ['vinyl'], none: ['moscow'] } }), false);
    assert.equal(matches({ tags: { any: ['vinyl'] } }, customer({ tags: [] })), false);
    assert.equal(matches({ tags: { none: ['vinyl'] } }, customer({ tags: [] })), true);
  });

  test('VIP, both ways', () => {
    assert.equal(matches({ vip: true }), false);
    assert.equal(matches({ vip: true }, customer({ vip: true })), true);
    assert.equal(matches({ vip: false }, customer({ vip: true })), false);
  });

  test('consent per channel: granted, or not granted (denied or never recorded)', () => {
    assert.equal(matches({ consent: { email: 'granted' } }), true);
    assert.equal(matches({ consent: { sms: 'granted' } }), false, 'denied');
    assert.equal(matches({ consent: { messengers: 'granted' } }), false, 'never recorded');
    assert.equal(matches({ consent: { sms: 'not-granted' } }), true);
    assert.equal(matches({ consent: { messengers: 'not-granted' } }), true);
    assert.equal(matches({ consent: { email: 'not-granted' } }), false);
    assert.equal(matches({ consent: { email: 'granted', sms: 'not-granted' } }), true);
    assert.equal(matches({ consent: { email: 'granted', sms: 'granted' } }), false);
  });

  test('orders count: inclusive bounds', () => {
    assert.equal(matches({ ordersCount: { min: 3 } }), true);
    assert.equal(matches({ ordersCount: { min: 4 } }), false);
    assert.equal(matches({ ordersCount: { max: 3 } }), true);
    assert.equal(matches({ ordersCount: { max: 2 } }), false);
    assert.equal(matches({ ordersCount: { min: 3, max: 3 } }), true);
    assert.equal(
      matches({ ordersCount: { max: 0 } }, customer({ metrics: NO_METRICS })),
      true,
      'never ordered',
    );
  });

  test('total spent and average check: inclusive bounds in minor units, only in the currency named', () => {
    assert.equal(matches({ totalSpent: { currency: 'RUB', min: 30_000_00 } }), true);
    assert.equal(matches({ totalSpent: { currency: 'RUB', min: 30_000_01 } }), false);
    assert.equal(matches({ totalSpent: { currency: 'RUB', max: 30_000_00 } }), true);
    assert.equal(matches({ totalSpent: { currency: 'RUB', max: 29_999_99 } }), false);
    assert.equal(matches({ totalSpent: { currency: 'USD', min: 0 } }), false, 'metrics kept in RUB');
    assert.equal(
      matches({ totalSpent: { currency: 'RUB', max: 100 } }, customer({ metrics: NO_METRICS })),
      false,
      'no orders: no currency, no amount',
    );
    assert.equal(matches({ averageCheck: { currency: 'RUB', min: 10_000_00, max: 10_000_00 } }), true);
    assert.equal(matches({ averageCheck: { currency: 'RUB', min: 10_000_01 } }), false);
    assert.equal(matches({ averageCheck: { currency: 'RUB', max: 9_999_99 } }), false);
    assert.equal(matches({ averageCheck: { currency: 'BYN', max: 10_000_00 } }), false);
  });

  test('last order: from and to are whole UTC days, inclusive', () => {
    const on = (iso: string) => customer({ metrics: metrics({ lastOrderAt: new Date(iso) }) });
    const march = { lastOrder: { from: '2026-03-01', to: '2026-03-15' } };
    assert.equal(matches(march, on('2026-03-01T00:00:00.000Z')), true);
    assert.equal(matches(march, on('2026-02-28T23:59:59.999Z')), false);
    assert.equal(matches(march, on('2026-03-15T23:59:59.999Z')), true);
    assert.equal(matches(march, on('2026-03-16T00:00:00.000Z')), false);
    assert.equal(matches({ lastOrder: { from: '2026-03-16' } }, on('2026-03-16T00:00:00.000Z')), true);
    assert.equal(matches({ lastOrder: { to: '2026-03-15' } }, on('2026-01-01T00:00:00.000Z')), true);
    assert.equal(matches(march, customer({ metrics: NO_METRICS })), false, 'never ordered');
  });

  test('last order within N days: at most N × 24 h before now, to the millisecond', () => {
    const ordered = (at: Date) => customer({ metrics: metrics({ lastOrderAt: at }) });
    const within30 = { lastOrder: { withinDays: 30 } };
    assert.equal(matches(within30, ordered(daysBefore(30))), true, 'exactly 30 days ago');
    assert.equal(matches(within30, ordered(new Date(daysBefore(30).getTime() - 1))), false);
    assert.equal(matches(within30, ordered(NOW)), true);
    assert.equal(matches(within30, customer({ metrics: NO_METRICS })), false, 'never ordered');
  });

  test('time alone moves a customer out of "within N days" and into "not within M days"', () => {
    const c = customer({ metrics: metrics({ lastOrderAt: new Date('2026-03-01T10:00:00.000Z') }) });
    const within30 = { lastOrder: { withinDays: 30 } };
    const lapsed = { lastOrder: { notWithinDays: 30 } };
    const before = new Date('2026-03-31T10:00:00.000Z'); // exactly 30 days later
    const after = new Date(before.getTime() + 1);
    assert.equal(matches(within30, c, [], before), true);
    assert.equal(matches(within30, c, [], after), false);
    assert.equal(matches(lapsed, c, [], before), false);
    assert.equal(matches(lapsed, c, [], after), true);
  });

  test('last order between M and N days ago', () => {
    const f = { lastOrder: { withinDays: 30, notWithinDays: 7 } };
    const ordered = (d: number) => customer({ metrics: metrics({ lastOrderAt: daysBefore(d) }) });
    assert.equal(matches(f, ordered(10)), true);
    assert.equal(matches(f, ordered(3)), false);
    assert.equal(matches(f, ordered(40)), false);
    assert.equal(matches(f, ordered(7)), false, 'exactly 7 days ago is within 7 days');
  });

  test('bought: any of the offers, in an order that was not cancelled', () => {
    const facts = [fact(['rx-v6a', 'hdmi']), fact(['lp-1'], true)];
    assert.equal(matches({ boughtProducts: ['rx-v6a'] }, customer(), facts), true);
    assert.equal(matches({ boughtProducts: ['tape', 'hdmi'] }, customer(), facts), true);
    assert.equal(
      matches({ boughtProducts: ['lp-1'] }, customer(), facts),
      false,
      'only in a cancelled order',
    );
    assert.equal(matches({ boughtProducts: ['tape'] }, customer(), facts), false);
    assert.equal(matches({ boughtProducts: ['rx-v6a'] }, customer(), []), false);
  });

  test('bought category: any of the categories, in an order that was not cancelled', () => {
    const facts = [fact(['rx-v6a'], false, ['receivers', 'hi-fi']), fact(['lp-1'], true, ['vinyl'])];
    assert.equal(matches({ boughtCategories: ['hi-fi'] }, customer(), facts), true);
    assert.equal(matches({ boughtCategories: ['tapes', 'receivers'] }, customer(), facts), true);
    assert.equal(
      matches({ boughtCategories: ['vinyl'] }, customer(), facts),
      false,
      'only in a cancelled order',
    );
    assert.equal(
      matches({ boughtCategories: ['rx-v6a'] }, customer(), facts),
      false,
      'an offer is no category',
    );
    assert.equal(matches({ boughtProducts: ['hi-fi'] }, customer(), facts), false, 'a category is no offer');
    assert.equal(matches({ boughtCategories: ['hi-fi'] }, customer(), []), false);
    assert.equal(
      matches({ boughtProducts: ['rx-v6a'], boughtCategories: ['vinyl'] }, customer(), facts),
      false,
      'both must hold',
    );
  });

  test('every condition must hold', () => {
    const f = {
      tags: { any: ['vinyl'] },
      vip: false,
      consent: { email: 'granted' },
      ordersCount: { min: 2 },
      totalSpent: { currency: 'RUB', min: 10_000_00 },
      averageCheck: { currency: 'RUB', max: 20_000_00 },
      lastOrder: { withinDays: 30 },
      boughtProducts: ['rx-v6a'],
      boughtCategories: ['receivers'],
    };
    const facts = [fact(['rx-v6a'], false, ['receivers'])];
    assert.equal(matches(f, customer(), facts), true);
    for (const broken of [
      customer({ tags: [] }),
      customer({ vip: true }),
      customer({ consent: {} }),
      customer({ metrics: metrics({ ordersCount: 1 }) }),
      customer({ metrics: metrics({ totalSpentMinor: 1 }) }),
      customer({ metrics: metrics({ averageCheckMinor: 20_000_01 }) }),
      customer({ metrics: metrics({ lastOrderAt: daysBefore(31) }) }),
    ]) {
      assert.equal(matches(f, broken, facts), false);
    }
    assert.equal(matches(f, customer(), [fact(['other'], false, ['receivers'])]), false);
    assert.equal(matches(f, customer(), [fact(['rx-v6a'], false, ['other'])]), false);
  });
});

describe('lastOrderBounds', () => {
  test('the tighter of the day and the relative bound wins on each side', () => {
    const b = lastOrderBounds({ from: '2026-01-01', withinDays: 30 }, NOW);
    assert.deepEqual(b, { atLeast: daysBefore(30) });
    const early = lastOrderBounds({ from: '2026-03-30', withinDays: 30 }, NOW);
    assert.deepEqual(early, { atLeast: new Date('2026-03-30T00:00:00.000Z') });
    const upper = lastOrderBounds({ to: '2026-03-01', notWithinDays: 7 }, NOW);
    assert.deepEqual(upper, { before: new Date('2026-03-02T00:00:00.000Z') });
    assert.deepEqual(lastOrderBounds({ notWithinDays: 60 }, NOW), { before: daysBefore(60) });
  });
});
