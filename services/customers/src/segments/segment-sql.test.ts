import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { newId, segmentFilterSchema } from '@openretail/contracts';
import type { ServiceOrm } from '@openretail/persistence';
import { computeMetrics, type OrderFact } from '../metrics/customer-metrics';
import { customersTestDatabase } from '../test-support/database';
import { insertCustomers } from '../test-support/segments';
import { matchesSegment, type SegmentSubject } from './segment-match';
import { TEXT_ARRAY, segmentConditionSql } from './segment-sql';

const NOW = new Date('2026-03-31T12:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;

/** A small deterministic generator (mulberry32), so a failure repeats. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Generated {
  id: string;
  subject: SegmentSubject;
  /** The orders this profile placed. */
  own: OrderFact[];
  /** Its orders and those of the profiles merged into it: what its metrics and "bought" see. */
  facts: OrderFact[];
}

/**
 * Customers spread over every value each condition looks at, the boundaries of the filters below
 * included (last orders exactly 30 days ago, totals exactly at the bounds), and merged profiles
 * whose orders count for their survivor.
 */
function generate(count: number): Generated[] {
  const next = random(42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
  const lastOrderOffsets = [0, 1, 7 * DAY, 7 * DAY + 1, 30 * DAY, 30 * DAY + 1, 45 * DAY, 400 * DAY];
  const people: Generated[] = [];
  for (let i = 0; i < count; i++) {
    const site = pick(['pult', 'pult', 'minsk']);
    const facts: OrderFact[] = Array.from({ length: Math.floor(next() * 4) }, () => ({
      orderId: newId(),
      site,
      currency: site === 'minsk' && next() < 0.8 ? 'BYN' : 'RUB',
      totalMinor: pick([0, 50_00, 100_00, 100_01, 250_00]),
      paidMinor: pick([0, 50_00]),
      cancelled: next() < 0.25,
      orderedAt: new Date(NOW.getTime() - pick(lastOrderOffsets)),
      offerExternalIds: (['p1', 'p2', 'p3'] as const).filter(() => next() < 0.3),
      productCategories: (['k1', 'k2', 'k3'] as const).filter(() => next() < 0.3),
    }));
    const consent: SegmentSubject['consent'] = {};
    for (const channel of ['email', 'sms', 'messengers'] as const) {
      const status = pick(['granted', 'denied', undefined]);
      if (status) consent[channel] = { status };
    }
    people.push({
      id: newId(),
      subject: {
        site,
        tags: (['a', 'b', 'c'] as const).filter(() => next() < 0.4),
        vip: next() < 0.2,
        consent,
        metrics: computeMetrics(facts, site),
      },
      own: facts,
      facts,
    });
  }
  // Every tenth profile merged into the one before it, and every twentieth's next one into it: chains
  // of two merges. The orders of a merged profile are its survivor's.
  const parent = new Map<number, number>();
  for (let i = 10; i < count; i += 10) parent.set(i, i - 1);
  for (let i = 20; i + 1 < count; i += 20) parent.set(i + 1, i);
  const root = (i: number): number => (parent.has(i) ? root(parent.get(i)!) : i);
  for (const [child, of] of parent) {
    people[child].subject.mergedInto = people[of].id;
    const survivor = people[root(child)];
    survivor.facts = [...survivor.facts, ...people[child].own];
    survivor.subject.metrics = computeMetrics(survivor.facts, survivor.subject.site);
  }
  return people;
}

const FILTERS: unknown[] = [
  {},
  { tags: { any: ['a', 'b'] } },
  { tags: { all: ['a', 'b'] } },
  { tags: { none: ['c'] } },
  { tags: { any: ['a'], none: ['b'] } },
  { vip: true },
  { vip: false },
  { consent: { email: 'granted' } },
  { consent: { sms: 'not-granted', messengers: 'granted' } },
  { ordersCount: { min: 1 } },
  { ordersCount: { max: 0 } },
  { ordersCount: { min: 2, max: 3 } },
  { totalSpent: { currency: 'RUB', min: 100_00 } },
  { totalSpent: { currency: 'RUB', min: 100_01, max: 250_00 } },
  { totalSpent: { currency: 'BYN', max: 100_00 } },
  { averageCheck: { currency: 'RUB', min: 100_00, max: 100_01 } },
  { lastOrder: { withinDays: 30 } },
  { lastOrder: { notWithinDays: 30 } },
  { lastOrder: { withinDays: 30, notWithinDays: 7 } },
  { lastOrder: { from: '2026-03-01', to: '2026-03-24' } },
  { lastOrder: { to: '2026-03-01' } },
  { boughtProducts: ['p1'] },
  { boughtProducts: ['p2', 'p3'] },
  { boughtCategories: ['k1'] },
  { boughtCategories: ['k2', 'k3'] },
  { boughtProducts: ['p1'], boughtCategories: ['k1', 'k2'] },
  {
    tags: { any: ['a'] },
    ordersCount: { min: 1 },
    lastOrder: { withinDays: 30 },
    consent: { email: 'granted' },
  },
  { vip: false, totalSpent: { currency: 'RUB', min: 50_00 }, boughtProducts: ['p1', 'p2'] },
];

describe('segment conditions in SQL decide exactly as matchesSegment', () => {
  let orm: ServiceOrm;
  let close: () => Promise<void>;
  const people = generate(400);

  before(async () => {
    ({ orm, close } = await customersTestDatabase('segment_sql'));
    // Survivors first: merged_into points at an existing row.
    await insertCustomers(
      orm,
      people.map((p) => ({ id: p.id, site: p.subject.site, tags: [...p.subject.tags], vip: p.subject.vip })),
    );
    const em = orm.em.fork();
    for (const p of people) {
      const m = p.subject.metrics;
      await em.execute(
        `update customers set consent = ?::jsonb, merged_into = ?, orders_count = ?, cancellations = ?,
           metrics_currency = ?, total_spent_minor = ?, average_check_minor = ?, paid_total_minor = ?,
           first_order_at = ?, last_order_at = ? where id = ?`,
        [
          JSON.stringify(p.subject.consent),
          p.subject.mergedInto ?? null,
          m.ordersCount,
          m.cancellations,
          m.currency ?? null,
          m.totalSpentMinor,
          m.averageCheckMinor,
          m.paidTotalMinor,
          m.firstOrderAt ?? null,
          m.lastOrderAt ?? null,
          p.id,
        ],
      );
    }
    // Facts under the profile that placed them: a survivor reaches its merged profiles' through merged_into.
    for (const p of people) {
      for (const f of p.own) {
        await em.execute(
          `insert into customer_order_facts (order_id, customer_id, site, order_version, currency, total_minor,
             paid_minor, status_group, cancelled, ordered_at, offer_external_ids, product_categories, updated_at)
           values (?, ?, ?, 1, ?, ?, ?, 'new', ?, ?, ${TEXT_ARRAY}, ${TEXT_ARRAY}, now())`,
          [
            f.orderId,
            p.id,
            f.site,
            f.currency,
            f.totalMinor,
            f.paidMinor,
            f.cancelled,
            f.orderedAt,
            JSON.stringify(f.offerExternalIds),
            JSON.stringify(f.productCategories),
          ],
        );
      }
    }
  });
  after(() => close?.());

  for (const raw of FILTERS) {
    test(JSON.stringify(raw), async () => {
      const filter = segmentFilterSchema.parse(raw);
      const expected = people
        .filter((p) => matchesSegment(p.subject, p.facts, filter, NOW))
        .map((p) => p.id)
        .sort();
      const condition = segmentConditionSql(filter, NOW);
      const rows = await orm.em
        .fork()
        .execute<{ id: string }[]>(
          `select c.id from customers c where ${condition.sql} order by c.id`,
          condition.params,
        );
      assert.deepEqual(
        rows.map((r) => r.id),
        expected,
      );
      assert.ok(expected.length < people.length, 'the filter leaves someone out');
    });
  }

  test('the filters above separate the generated customers both ways', () => {
    for (const raw of FILTERS.slice(1)) {
      const filter = segmentFilterSchema.parse(raw);
      assert.ok(
        people.some((p) => matchesSegment(p.subject, p.facts, filter, NOW)),
        `someone matches ${JSON.stringify(raw)}`,
      );
    }
  });
});
