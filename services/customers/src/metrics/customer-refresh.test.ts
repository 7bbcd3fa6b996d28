import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CustomerMergedV1,
  CustomerOrderLinkedV1,
  CustomerUpdatedV1,
  newId,
  parseEvent,
  type EventEnvelope,
  type SegmentMembershipPayload,
} from '@openretail/contracts';
import type { ServiceOrm } from '@openretail/persistence';
import { SegmentsService } from '../segments/segments.service';
import { customersTestDatabase } from '../test-support/database';
import { testReferenceDataProvider } from '../test-support/reference-data';
import {
  TestClock,
  inTransaction,
  insertCustomers,
  orderEvent,
  outboxEvents,
  type TestOrder,
} from '../test-support/segments';
import { recomputeMetrics } from './customer-refresh';
import { applyMetricsEvents } from './metrics-consumer';

const admin = { source: 'api' as const, sites: 'all' as const };

describe('customer metrics and segments from events, over PostgreSQL', () => {
  let orm: ServiceOrm;
  let close: () => Promise<void>;
  let segments: SegmentsService;
  const clock = new TestClock(new Date('2026-03-10T12:00:00.000Z'));

  /** Hands events to the consumer as the inbox does: in a transaction, one at a time. */
  const deliver = (...events: EventEnvelope[]) =>
    inTransaction(orm, async (em) => {
      for (const event of events) await applyMetricsEvents(em, [parseEvent(event)], clock.now());
    });
  const metricsOf = async (id: string) => {
    const [row] = await orm.em.fork().execute(
      `select orders_count, cancellations, metrics_currency, total_spent_minor::int, average_check_minor::int,
           paid_total_minor::int, first_order_at, last_order_at from customers where id = ?`,
      [id],
    );
    return row;
  };
  const factOf = async (orderId: string) =>
    (
      await orm.em
        .fork()
        .execute(
          'select customer_id, order_version::int, total_minor::int, cancelled from customer_order_facts where order_id = ?',
          [orderId],
        )
    )[0];
  const membership = async (customerId: string) =>
    (
      await orm.em
        .fork()
        .execute<{ code: string }[]>(
          'select s.code from segment_members m join segments s on s.id = m.segment_id where m.customer_id = ? order by s.code',
          [customerId],
        )
    ).map((r) => r.code);
  /** The customer's membership changes as the outbox holds them, in order: "+code" entered, "-code" left. */
  const membershipEvents = async (customerId: string) =>
    (
      await orm.em.fork().execute<{ envelope: EventEnvelope<SegmentMembershipPayload> }[]>(
        `select envelope from outbox_message where event_type in ('segment.entered', 'segment.left')
             and message_key = ? order by id`,
        [customerId],
      )
    ).map(({ envelope: e }) => `${e.type === 'segment.entered' ? '+' : '-'}${e.payload.segmentCode}`);

  before(async () => {
    ({ orm, close } = await customersTestDatabase('customer_metrics'));
    segments = new SegmentsService(orm, testReferenceDataProvider());
  });
  after(() => close?.());

  test('events in any order, duplicates included, end at the newest version', async () => {
    const [customerId] = await insertCustomers(orm, [{}]);
    const orderIds = [newId(), newId(), newId()];
    const versions = (orderId: string): TestOrder[] => [
      { orderId, customerId, version: 1, totalMinor: 1000_00, createdAt: '2026-03-01T10:00:00.000Z' },
      {
        orderId,
        customerId,
        version: 2,
        totalMinor: 1000_00,
        paidMinor: 1000_00,
        createdAt: '2026-03-01T10:00:00.000Z',
      },
      {
        orderId,
        customerId,
        version: 3,
        totalMinor: 1200_00,
        paidMinor: 1000_00,
        createdAt: '2026-03-01T10:00:00.000Z',
      },
    ];
    const [a, b, c] = orderIds.map(versions);
    await deliver(...a.map(orderEvent));
    await deliver(orderEvent(b[2]), orderEvent(b[0]), orderEvent(b[1]));
    for (const v of [c[1], c[1], c[2], c[0], c[2]]) await deliver(orderEvent(v));
    for (const orderId of orderIds) {
      assert.deepEqual(await factOf(orderId), {
        customer_id: customerId,
        order_version: 3,
        total_minor: 1200_00,
        cancelled: false,
      });
    }
    const m = await metricsOf(customerId);
    assert.equal(m.orders_count, 3);
    assert.equal(m.total_spent_minor, 3600_00);
    assert.equal(m.average_check_minor, 1200_00);
    assert.equal(m.paid_total_minor, 3000_00);
  });

  test('a run of events applied together, out of order and twice, ends as applied one by one', async () => {
    const [customerId] = await insertCustomers(orm, [{}]);
    const orderId = newId();
    const at = '2026-03-02T10:00:00.000Z';
    const v = (version: number, totalMinor: number): TestOrder => ({
      orderId,
      customerId,
      version,
      totalMinor,
      createdAt: at,
    });
    const run = [v(2, 500_00), v(1, 400_00), v(3, 700_00), v(2, 500_00)].map((o) =>
      parseEvent(orderEvent(o)),
    );
    await inTransaction(orm, (em) => applyMetricsEvents(em, run, clock.now()));
    assert.deepEqual(await factOf(orderId), {
      customer_id: customerId,
      order_version: 3,
      total_minor: 700_00,
      cancelled: false,
    });
    const m = await metricsOf(customerId);
    assert.equal(m.orders_count, 1);
    assert.equal(m.total_spent_minor, 700_00);
  });

  test('a cancellation moves the order from the counts to the cancellations; reopening moves it back', async () => {
    const [customerId] = await insertCustomers(orm, [{}]);
    const kept = newId();
    const cancelled = newId();
    await deliver(
      orderEvent({
        orderId: kept,
        customerId,
        version: 1,
        totalMinor: 500_00,
        createdAt: '2026-02-01T10:00:00.000Z',
      }),
      orderEvent({
        orderId: cancelled,
        customerId,
        version: 1,
        totalMinor: 300_00,
        createdAt: '2026-03-05T10:00:00.000Z',
      }),
    );
    assert.equal((await metricsOf(customerId)).orders_count, 2);
    await deliver(
      orderEvent({
        orderId: cancelled,
        customerId,
        version: 2,
        totalMinor: 300_00,
        cancelled: true,
        createdAt: '2026-03-05T10:00:00.000Z',
      }),
    );
    const m = await metricsOf(customerId);
    assert.deepEqual(
      [m.orders_count, m.cancellations, m.total_spent_minor, m.average_check_minor],
      [1, 1, 500_00, 500_00],
    );
    assert.deepEqual(
      new Date(m.last_order_at),
      new Date('2026-02-01T10:00:00.000Z'),
      'the last order that counts',
    );
    await deliver(
      orderEvent({
        orderId: cancelled,
        customerId,
        version: 3,
        totalMinor: 300_00,
        createdAt: '2026-03-05T10:00:00.000Z',
      }),
    );
    const reopened = await metricsOf(customerId);
    assert.deepEqual([reopened.orders_count, reopened.cancellations], [2, 0]);
  });

  test('orders in another currency count, but their money does not mix with the site currency', async () => {
    const [customerId] = await insertCustomers(orm, [{ site: 'pult' }]);
    await deliver(
      orderEvent({ orderId: newId(), customerId, version: 1, totalMinor: 1000_00, currency: 'RUB' }),
      orderEvent({
        orderId: newId(),
        customerId,
        site: 'minsk',
        version: 1,
        totalMinor: 50_00,
        currency: 'BYN',
        createdAt: '2026-03-09T10:00:00.000Z',
      }),
    );
    const m = await metricsOf(customerId);
    assert.deepEqual(
      [m.orders_count, m.metrics_currency, m.total_spent_minor, m.average_check_minor],
      [2, 'RUB', 1000_00, 1000_00],
    );
  });

  test('a link attaches an order, also before its events arrive; a later link moves it', async () => {
    const [first, second] = await insertCustomers(orm, [{}, {}]);
    const orderId = newId();
    const link = (customerId: string, previousCustomerId?: string) =>
      CustomerOrderLinkedV1.create(
        {
          orderId,
          site: 'pult',
          customerId,
          ...(previousCustomerId ? { previousCustomerId } : {}),
          decision: 'matched',
          actor: { source: 'api' },
        },
        { source: 'customers', aggregateId: orderId },
      ) as EventEnvelope;
    await deliver(link(first));
    assert.equal((await metricsOf(first)).orders_count, 0, 'nothing known of the order yet');
    await deliver(orderEvent({ orderId, version: 1, totalMinor: 700_00 }));
    assert.equal((await factOf(orderId)).customer_id, first, 'the order named nobody: the link stays');
    assert.equal((await metricsOf(first)).total_spent_minor, 700_00);
    await deliver(link(second, first));
    assert.equal((await metricsOf(first)).orders_count, 0);
    assert.equal((await metricsOf(second)).total_spent_minor, 700_00);
    await deliver(link(second, first));
    assert.equal((await metricsOf(second)).orders_count, 1, 'a repeated link changes nothing');
  });

  test('membership follows the metrics and the profile, with segment.entered and segment.left', async () => {
    await segments.create(
      {
        code: 'big-spenders',
        name: 'Big',
        site: 'pult',
        filter: { totalSpent: { currency: 'RUB', min: 1000_00 } },
      },
      admin,
    );
    await segments.create(
      { code: 'tagged-vinyl', name: 'Vinyl', filter: { tags: { any: ['vinyl'] } } },
      admin,
    );
    await segments.create({ code: 'minsk-all', name: 'Minsk', site: 'minsk', filter: {} }, admin);
    const [customerId] = await insertCustomers(orm, [{}]);
    const orderId = newId();
    await deliver(orderEvent({ orderId, customerId, version: 1, totalMinor: 999_99 }));
    assert.deepEqual(await membership(customerId), []);
    await deliver(orderEvent({ orderId, customerId, version: 2, totalMinor: 1000_00 }));
    assert.deepEqual(await membership(customerId), ['big-spenders']);
    await orm.em.fork().execute(`update customers set tags = '{vinyl}' where id = ?`, [customerId]);
    await deliver(
      CustomerUpdatedV1.create(
        {
          customer: {
            customerId,
            site: 'pult',
            phones: [],
            emails: [],
            tags: ['vinyl'],
            vip: false,
            consent: {},
            version: 2,
            createdAt: clock.now().toISOString(),
            updatedAt: clock.now().toISOString(),
          },
          actor: { source: 'api' },
          changedFields: ['tags'],
        },
        { source: 'customers', aggregateId: customerId },
      ) as EventEnvelope,
    );
    assert.deepEqual(await membership(customerId), ['big-spenders', 'tagged-vinyl']);
    await deliver(orderEvent({ orderId, customerId, version: 3, totalMinor: 1000_00, cancelled: true }));
    assert.deepEqual(await membership(customerId), ['tagged-vinyl']);
    assert.deepEqual(await membershipEvents(customerId), ['+big-spenders', '+tagged-vinyl', '-big-spenders']);
    const [entered] = await outboxEvents<SegmentMembershipPayload>(orm, 'segment.entered');
    assert.equal(parseEvent(entered).type, 'segment.entered', 'the outbox holds valid events');
    assert.equal(entered.aggregateId, entered.payload.customerId, 'keyed by customer');
  });

  test('a merge: the survivor counts the merged profiles’ orders and they leave every segment; undo restores', async () => {
    await segments.create({ code: 'everyone', name: 'Everyone', filter: {} }, admin);
    const [survivor, merged] = await insertCustomers(orm, [{}, {}]);
    await deliver(
      orderEvent({ orderId: newId(), customerId: survivor, version: 1, totalMinor: 100_00 }),
      orderEvent({ orderId: newId(), customerId: merged, version: 1, totalMinor: 200_00 }),
    );
    assert.ok((await membership(merged)).includes('everyone'));
    await orm.em.fork().execute('update customers set merged_into = ? where id = ?', [survivor, merged]);
    await deliver(
      CustomerMergedV1.create(
        {
          customer: {
            customerId: survivor,
            site: 'pult',
            phones: [],
            emails: [],
            tags: [],
            vip: false,
            consent: {},
            version: 2,
            createdAt: clock.now().toISOString(),
            updatedAt: clock.now().toISOString(),
          },
          actor: { source: 'manager' },
          mergeId: newId(),
          survivorId: survivor,
          mergedIds: [merged],
          linkedOrderIds: [],
        },
        { source: 'customers', aggregateId: survivor },
      ) as EventEnvelope,
    );
    assert.deepEqual(
      [(await metricsOf(survivor)).orders_count, (await metricsOf(survivor)).total_spent_minor],
      [2, 300_00],
    );
    assert.deepEqual(await membership(merged), [], 'a merged profile is in no segment');
    assert.ok((await membership(survivor)).includes('everyone'));

    // The merge code undoes and recomputes every profile involved.
    await orm.em.fork().execute('update customers set merged_into = null where id = ?', [merged]);
    await inTransaction(orm, async (em) => {
      for (const id of [survivor, merged].sort()) await recomputeMetrics(em, id, clock.now());
    });
    assert.equal((await metricsOf(survivor)).total_spent_minor, 100_00);
    assert.equal((await metricsOf(merged)).total_spent_minor, 200_00);
    assert.ok((await membership(merged)).includes('everyone'));
  });

  test('bought category: the categories an event names are kept with the order and re-evaluate the customer', async () => {
    await segments.create(
      { code: 'hi-fi-buyers', name: 'Hi-Fi', filter: { boughtCategories: ['hi-fi'] } },
      admin,
    );
    const [customerId] = await insertCustomers(orm, [{}]);
    // Other tests' segments share the database: only this one is looked at.
    const buyer = async () => (await membership(customerId)).includes('hi-fi-buyers');
    const orderId = newId();
    const order = (version: number, over: Partial<TestOrder> = {}) =>
      orderEvent({ orderId, customerId, version, totalMinor: 100_00, categories: ['cables'], ...over });
    await deliver(order(1));
    assert.equal(await buyer(), false);
    // A line edited: same money, a new category; that alone counts.
    await deliver(order(2, { categories: ['cables', 'hi-fi'] }));
    assert.equal(await buyer(), true);
    // An event published before summaries carried categories leaves the known ones.
    await deliver(order(3, { categories: undefined }));
    assert.equal(await buyer(), true);
    await deliver(order(4, { categories: ['hi-fi'], cancelled: true }));
    assert.equal(await buyer(), false, 'a cancelled order does not count');
    await deliver(order(5, { categories: [] }));
    const [fact] = await orm.em
      .fork()
      .execute<{ product_categories: string[] }[]>(
        'select product_categories from customer_order_facts where order_id = ?',
        [orderId],
      );
    assert.deepEqual(fact.product_categories, []);
    assert.deepEqual(
      (await membershipEvents(customerId)).filter((e) => e.endsWith('hi-fi-buyers')),
      ['+hi-fi-buyers', '-hi-fi-buyers'],
    );
  });

  test('an event that changes nothing that counts leaves the customer alone', async () => {
    await segments.create({ code: 'tag-z', name: 'Z', filter: { tags: { any: ['z'] } } }, admin);
    const [customerId] = await insertCustomers(orm, [{}]);
    const orderId = newId();
    const order = (version: number, over: Partial<TestOrder> = {}) =>
      orderEvent({ orderId, customerId, version, totalMinor: 100_00, ...over });
    await deliver(order(1));
    // A change the consumer does not see: only a re-evaluation would put the customer in tag-z.
    await orm.em.fork().execute(`update customers set tags = '{z}' where id = ?`, [customerId]);
    await deliver(order(2)); // a status change inside the open groups: same money, same everything
    assert.ok(!(await membership(customerId)).includes('tag-z'));
    assert.equal((await factOf(orderId)).order_version, 2, 'the version moves on');
    await deliver(order(3, { paidMinor: 100_00 }));
    assert.ok((await membership(customerId)).includes('tag-z'), 'a payment counts: re-evaluated');
  });

  test('recomputeMetrics of an unknown customer is nothing', async () => {
    assert.equal(await inTransaction(orm, (em) => recomputeMetrics(em, newId())), undefined);
  });
});
