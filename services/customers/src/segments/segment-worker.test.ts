import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { newId, parseEvent, type EventEnvelope, type SegmentMembershipPayload } from '@openretail/contracts';
import type { ServiceOrm } from '@openretail/persistence';
import { applyMetricsEvents } from '../metrics/metrics-consumer';
import { customersTestDatabase } from '../test-support/database';
import { testReferenceDataProvider } from '../test-support/reference-data';
import { TestClock, inTransaction, insertCustomers, orderEvent } from '../test-support/segments';
import { SegmentWorker } from './segment-worker';
import { SegmentsService } from './segments.service';

const admin = { source: 'api' as const, sites: 'all' as const };
const DAY = 24 * 60 * 60 * 1000;
const TIME_CHECK_MS = 60_000;

describe('the segment worker over PostgreSQL', () => {
  let orm: ServiceOrm;
  let close: () => Promise<void>;
  let segments: SegmentsService;
  const clock = new TestClock(new Date('2026-03-31T12:00:00.000Z'));
  const worker = (batchSize = 7) =>
    new SegmentWorker(orm, { pollMs: 10, timeCheckMs: TIME_CHECK_MS, batchSize, clock });

  const members = async (code: string) =>
    (
      await orm.em.fork().execute<{ customer_id: string }[]>(
        `select m.customer_id from segment_members m join segments s on s.id = m.segment_id
           where s.code = ? order by m.customer_id`,
        [code],
      )
    ).map((r) => r.customer_id);
  /** The membership events of a segment in the outbox, in order, as "+id" and "-id" with their reason. */
  const eventsOf = async (code: string) =>
    (
      await orm.em.fork().execute<{ envelope: EventEnvelope<SegmentMembershipPayload> }[]>(
        `select envelope from outbox_message where event_type in ('segment.entered', 'segment.left')
             and envelope->'payload'->>'segmentCode' = ? order by id`,
        [code],
      )
    ).map(({ envelope }) => {
      parseEvent(envelope);
      return {
        change: `${envelope.type === 'segment.entered' ? '+' : '-'}${envelope.payload.customerId}`,
        reason: envelope.payload.reason,
      };
    });
  const sorted = (ids: string[]) => [...ids].sort();

  before(async () => {
    ({ orm, close } = await customersTestDatabase('segment_worker'));
    segments = new SegmentsService(orm, testReferenceDataProvider());
  });
  after(() => close?.());

  test('a new segment: a pass over the base in batches, one event per member, then current', async () => {
    const tagged = await insertCustomers(
      orm,
      Array.from({ length: 12 }, () => ({ tags: ['pass-a'] })),
    );
    const others = await insertCustomers(
      orm,
      Array.from({ length: 9 }, () => ({ tags: ['pass-b'] })),
    );
    const minsk = await insertCustomers(orm, [{ site: 'minsk', tags: ['pass-a'] }]);
    const created = await segments.create(
      { code: 'pass-a', name: 'A', site: 'pult', filter: { tags: { any: ['pass-a'] } } },
      admin,
    );
    assert.equal(created.membership.state, 'computing');
    const round = await worker().runOnce();
    assert.equal(round.passesDone, 1);
    assert.ok(round.evaluated >= tagged.length + others.length, 'every customer of the site');
    assert.deepEqual(await members('pass-a'), sorted(tagged), 'only its site, only the tagged');
    assert.ok(!minsk.some((id) => tagged.includes(id)));
    const events = await eventsOf('pass-a');
    assert.deepEqual(sorted(events.map((e) => e.change)), sorted(tagged.map((id) => `+${id}`)));
    assert.ok(events.every((e) => e.reason === 'segment-saved'));
    const view = await segments.get('pass-a', admin);
    assert.deepEqual(view.membership, { state: 'current', evaluated: 0, members: tagged.length });
    assert.equal((await worker().runOnce()).evaluated, 0, 'nothing left to do');
  });

  test('a new filter: the pass moves members in and out; a rename changes nothing', async () => {
    const [keep, leave, join] = await insertCustomers(orm, [
      { tags: ['edit-x', 'edit-y'] },
      { tags: ['edit-x'] },
      { tags: ['edit-y'] },
    ]);
    await segments.create({ code: 'edit', name: 'E', filter: { tags: { any: ['edit-x'] } } }, admin);
    await worker().runOnce();
    assert.deepEqual(await members('edit'), sorted([keep, leave]));
    const renamed = await segments.update('edit', { name: 'Edited' }, admin);
    assert.equal(renamed.membership.state, 'current');
    const edited = await segments.update('edit', { filter: { tags: { any: ['edit-y'] } } }, admin, 2);
    assert.equal(edited.membership.state, 'computing');
    await worker().runOnce();
    assert.deepEqual(await members('edit'), sorted([keep, join]));
    const events = await eventsOf('edit');
    assert.deepEqual(
      events
        .slice(2)
        .map((e) => e.change)
        .sort(),
      [`+${join}`, `-${leave}`].sort(),
    );
    assert.equal((await segments.get('edit', admin)).membership.state, 'current');
  });

  test('replicas share a pass: each customer is decided once, whoever gets the batch', async () => {
    const ids = await insertCustomers(
      orm,
      Array.from({ length: 40 }, () => ({ tags: ['shared'] })),
    );
    await segments.create({ code: 'shared', name: 'S', filter: { tags: { all: ['shared'] } } }, admin);
    const results = await Promise.all([worker(5).runOnce(), worker(5).runOnce(), worker(5).runOnce()]);
    assert.equal(
      results.reduce((n, r) => n + r.passesDone, 0),
      1,
    );
    assert.deepEqual(await members('shared'), sorted(ids));
    const events = await eventsOf('shared');
    assert.equal(events.length, ids.length, 'one event per member, none twice');
  });

  test('time alone: "within 30 days" members leave and "not within 30 days" ones enter at the next check', async () => {
    const [recent, older, old] = await insertCustomers(orm, [
      { tags: ['t'] },
      { tags: ['t'] },
      { tags: ['t'] },
    ]);
    const now = clock.now().getTime();
    const order = (customerId: string, daysAgo: number) =>
      orderEvent({
        orderId: newId(),
        customerId,
        version: 1,
        totalMinor: 100,
        createdAt: new Date(now - daysAgo * DAY).toISOString(),
      });
    await segments.create(
      { code: 'active', name: 'Active', filter: { tags: { any: ['t'] }, lastOrder: { withinDays: 30 } } },
      admin,
    );
    await segments.create(
      { code: 'lapsed', name: 'Lapsed', filter: { tags: { any: ['t'] }, lastOrder: { notWithinDays: 30 } } },
      admin,
    );
    await inTransaction(orm, (em) =>
      applyMetricsEvents(
        em,
        [order(recent, 1), order(older, 29), order(old, 40)].map(parseEvent),
        clock.now(),
      ),
    );
    await worker().runOnce();
    assert.deepEqual(await members('active'), sorted([recent, older]));
    assert.deepEqual(await members('lapsed'), [old]);

    clock.advance(TIME_CHECK_MS - 1);
    assert.equal((await worker().runOnce()).timeChecks, 0, 'not due yet');
    clock.advance(2 * DAY);
    const round = await worker().runOnce();
    assert.equal(round.timeChecks, 2);
    assert.deepEqual(await members('active'), [recent]);
    assert.deepEqual(await members('lapsed'), sorted([older, old]));
    assert.deepEqual((await eventsOf('active')).slice(2), [{ change: `-${older}`, reason: 'time-passed' }]);
    assert.deepEqual((await eventsOf('lapsed')).slice(1), [{ change: `+${older}`, reason: 'time-passed' }]);
    assert.ok(round.evaluated < 10, 'only customers whose last order crossed a boundary');
  });

  test('the worker runs on its own until stopped, and a save wakes it', async () => {
    const w = new SegmentWorker(orm, { pollMs: 60_000, timeCheckMs: TIME_CHECK_MS, clock });
    const [id] = await insertCustomers(orm, [{ tags: ['woken'] }]);
    w.start();
    const s = new SegmentsService(orm, testReferenceDataProvider(), w);
    await s.create({ code: 'woken', name: 'W', filter: { tags: { any: ['woken'] } } }, admin);
    const deadline = Date.now() + 10_000;
    while ((await members('woken')).length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await w.stop();
    assert.deepEqual(await members('woken'), [id], 'computed long before the 60 s poll');
  });
});
