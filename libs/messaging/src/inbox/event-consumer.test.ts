import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  OrderCompletedV1,
  TOPICS,
  deadLetterTopic,
  money,
  newId,
  type EventEnvelope,
} from '@openretail/contracts';
import { waitFor } from '@openretail/testing';
import { silentLogger } from '../logger';
import { openHarness, orderCreated, TestNote, type Harness } from '../test-support/harness';
import type { IncomingMessage, MessageProducer } from '../transport';
import { EventConsumer, type BatchEventHandler, type EventHandler } from './event-consumer';
import { InboxMessage } from './inbox-message.entity';

describe('idempotent event consumer', () => {
  let h: Harness;
  let producer: MessageProducer;
  const deadLetters: IncomingMessage[] = [];
  let stopDltReader: () => Promise<void>;

  before(async () => {
    h = await openHarness('inbox');
    producer = h.transport.producer();
    await producer.connect();
    const reader = h.transport.consumer({
      groupId: `${h.prefix}dlt-reader`,
      topics: [h.prefix + deadLetterTopic(TOPICS.orderEvents).name],
    });
    await reader.run(async (m) => void deadLetters.push(m));
    stopDltReader = () => reader.stop();
  });
  after(async () => {
    await stopDltReader();
    await producer.disconnect();
    await h.close();
  });

  const topic = () => h.prefix + TOPICS.orderEvents.name;
  const publish = (event: EventEnvelope, value = JSON.stringify(event)) =>
    producer.send([{ topic: topic(), key: event.aggregateId, value, headers: { 'event-id': event.id } }]);
  const notesFor = (text: string) => h.orm.em.fork().count(TestNote, { text });

  function consumer(groupId: string, handler: EventHandler, maxAttempts = 3) {
    return new EventConsumer({
      transport: h.transport,
      orm: h.orm,
      groupId, // EventConsumer puts the suite's prefix in front
      topics: [TOPICS.orderEvents],
      topicPrefix: h.prefix,
      handlers: { 'order.created': handler },
      logger: silentLogger,
      retry: { maxAttempts, initialBackoffMs: 10, maxBackoffMs: 20 },
    });
  }

  const recordNote: EventHandler = async (event, em) => {
    em.persist(Object.assign(new TestNote(), { text: event.id }));
  };

  test('an event delivered twice has one effect', async () => {
    const c = consumer('dedupe', recordNote);
    await c.start();
    const event = orderCreated();
    await publish(event);
    await publish(event);
    await waitFor(async () => (await h.orm.em.fork().count(InboxMessage, { eventId: event.id })) === 1, {
      message: 'event processed',
    });
    // The redelivery is on the same partition right behind the first copy: give it time to arrive.
    const marker = orderCreated(event.aggregateId);
    await publish(marker);
    await waitFor(async () => (await notesFor(marker.id)) === 1, { message: 'marker processed' });
    await c.stop();
    assert.equal(await notesFor(event.id), 1);
  });

  test('a handler failure rolls back its effects and the inbox row, then retries', async () => {
    let calls = 0;
    const flaky: EventHandler = async (event, em) => {
      calls++;
      em.persist(Object.assign(new TestNote(), { text: event.id }));
      await em.flush();
      if (calls < 3) throw new Error('database hiccup');
    };
    const c = consumer('retry', flaky, 5);
    const event = orderCreated();
    await c.handle({
      topic: topic(),
      partition: 0,
      offset: '0',
      key: event.aggregateId,
      value: Buffer.from(JSON.stringify(event)),
      headers: {},
    });
    assert.equal(calls, 3);
    assert.equal(await notesFor(event.id), 1);
  });

  const message = (event: EventEnvelope, offset: number): IncomingMessage => ({
    topic: topic(),
    partition: 0,
    offset: String(offset),
    key: event.aggregateId,
    value: Buffer.from(JSON.stringify(event)),
    headers: {},
  });

  test('events that arrive together are applied together, each once', async () => {
    const c = consumer('batch', recordNote);
    const [done, a, b] = [orderCreated(), orderCreated(), orderCreated()];
    await c.handle(message(done, 0));
    await c.handleBatch([message(a, 1), message(done, 2), message(b, 3), message(a, 4)]);
    const rows = await h.orm.em.fork().find(InboxMessage, { eventId: { $in: [a.id, b.id] } });
    // processed_at defaults to now(), the start of the transaction that inserted the row.
    assert.equal(new Set(rows.map((r) => r.processedAt.getTime())).size, 1, 'one transaction for the batch');
    for (const event of [done, a, b]) assert.equal(await notesFor(event.id), 1, `one note for ${event.id}`);
  });

  test('a batch with a failing event is rolled back, then its events are processed one at a time', async () => {
    const flaky = orderCreated();
    const calls = new Map<string, number>();
    const c = consumer('batch-failure', async (event, em) => {
      const n = (calls.get(event.id) ?? 0) + 1;
      calls.set(event.id, n);
      if (event.id === flaky.id && n === 1) throw new Error('database hiccup');
      em.persist(Object.assign(new TestNote(), { text: event.id }));
    });
    const [a, b] = [orderCreated(), orderCreated()];
    await c.handleBatch([message(a, 1), message(flaky, 2), message(b, 3)]);
    assert.deepEqual([calls.get(a.id), calls.get(flaky.id), calls.get(b.id)], [2, 2, 1]);
    for (const event of [a, flaky, b]) assert.equal(await notesFor(event.id), 1, `one note for ${event.id}`);
  });

  function batchConsumer(
    groupId: string,
    handler: BatchEventHandler,
    handlers: Record<string, EventHandler> = {},
    maxTransactionEvents?: number,
  ) {
    return new EventConsumer({
      maxTransactionEvents,
      transport: h.transport,
      orm: h.orm,
      groupId,
      topics: [TOPICS.orderEvents],
      topicPrefix: h.prefix,
      handlers,
      batchHandlers: { 'order.created': handler },
      logger: silentLogger,
      retry: { maxAttempts: 3, initialBackoffMs: 10, maxBackoffMs: 20 },
    });
  }

  const orderCompleted = (orderId: string): EventEnvelope => {
    const at = new Date().toISOString();
    const total = money(1000, 'RUB');
    return OrderCompletedV1.create(
      {
        order: {
          orderId,
          site: 'main',
          number: 'T-1',
          status: 'complete',
          statusGroup: 'complete',
          customer: { firstName: 'Ivan' },
          total,
          paid: total,
          version: 2,
          createdAt: at,
          updatedAt: at,
        },
        actor: { source: 'test' },
      },
      { source: 'test', aggregateId: orderId },
    ) as EventEnvelope;
  };

  test('a batch handler gets each run of its consecutive fresh events in one call, in order', async () => {
    const calls: string[][] = [];
    const order: string[] = [];
    const c = batchConsumer(
      'batch-handler',
      async (events, em, traceHeaders) => {
        assert.equal(traceHeaders.length, events.length);
        calls.push(events.map((e) => e.id));
        order.push('created');
        for (const event of events) em.persist(Object.assign(new TestNote(), { text: event.id }));
      },
      { 'order.completed': async (event) => void order.push(event.type) },
    );
    const [done, a, b] = [orderCreated(), orderCreated(), orderCreated()];
    const completed = orderCompleted(a.aggregateId);
    await c.handle(message(done, 0));
    const c2 = orderCreated();
    await c.handleBatch([
      message(completed, 1),
      message(a, 2),
      message(done, 3),
      message(b, 4),
      message(a, 5),
      message(orderCompleted(b.aggregateId), 6),
      message(c2, 7),
    ]);
    // Already processed (done) and twice in the batch (a): each once, in the order of arrival; an
    // event of another handler between them splits the run.
    assert.deepEqual(calls, [[done.id], [a.id, b.id], [c2.id]]);
    assert.deepEqual(order, ['created', 'order.completed', 'created', 'order.completed', 'created']);
    for (const event of [done, a, b, c2])
      assert.equal(await notesFor(event.id), 1, `one note for ${event.id}`);
  });

  test('runs that wait join one transaction up to its most events, never splitting a run', async () => {
    const calls: string[][] = [];
    const c = batchConsumer(
      'transaction-size',
      async (events, em) => {
        calls.push(events.map((e) => e.id));
        for (const event of events) em.persist(Object.assign(new TestNote(), { text: event.id }));
      },
      {},
      3,
    );
    const e = Array.from({ length: 7 }, () => orderCreated());
    const on = (partition: number, offset: number, event: EventEnvelope) => ({
      ...message(event, offset),
      partition,
    });
    // The first run starts a transaction at once; the three others wait for it: two of them fit
    // one transaction of three events, the third does not.
    await Promise.all([
      c.handleBatch([on(0, 0, e[0])]),
      c.handleBatch([on(1, 0, e[1]), on(1, 1, e[2])]),
      c.handleBatch([on(2, 0, e[3])]),
      c.handleBatch([on(3, 0, e[4]), on(3, 1, e[5]), on(3, 2, e[6])]),
    ]);
    // Runs of different partitions are in no particular order in a transaction.
    const sorted = (ids: string[]) => [...ids].sort();
    assert.deepEqual(
      calls.map(sorted),
      [[e[0].id], [e[1].id, e[2].id, e[3].id], [e[4].id, e[5].id, e[6].id]].map(sorted),
    );
  });

  test('a failing batch is rolled back, then its events go to the batch handler one at a time', async () => {
    const flaky = orderCreated();
    const calls: string[][] = [];
    const c = batchConsumer('batch-handler-failure', async (events, em) => {
      calls.push(events.map((e) => e.id));
      if (events.some((e) => e.id === flaky.id) && calls.length === 1) throw new Error('database hiccup');
      for (const event of events) em.persist(Object.assign(new TestNote(), { text: event.id }));
    });
    const [a, b] = [orderCreated(), orderCreated()];
    await c.handleBatch([message(a, 1), message(flaky, 2), message(b, 3)]);
    assert.deepEqual(calls, [[a.id, flaky.id, b.id], [a.id], [flaky.id], [b.id]]);
    for (const event of [a, flaky, b]) assert.equal(await notesFor(event.id), 1, `one note for ${event.id}`);
  });

  test('an event a batch handler keeps failing on goes to the dead-letter topic; the others are applied', async () => {
    const poison = orderCreated();
    const fine = orderCreated();
    const c = batchConsumer('batch-poison', async (events, em) => {
      if (events.some((e) => e.id === poison.id)) throw new Error('cannot process this order');
      for (const event of events) em.persist(Object.assign(new TestNote(), { text: event.id }));
    });
    await c.start();
    await producer.send(
      [poison, fine].map((event) => ({
        topic: topic(),
        key: poison.aggregateId, // one partition, so they can arrive together
        value: JSON.stringify(event),
        headers: { 'event-id': event.id },
      })),
    );
    const ours = () =>
      deadLetters.find(
        (m) =>
          m.headers['dlt-consumer-group'] === `${h.prefix}batch-poison` &&
          m.headers['event-id'] === poison.id,
      );
    await waitFor(ours, { message: 'dead letter published' });
    await waitFor(async () => (await notesFor(fine.id)) === 1, { message: 'the other event applied' });
    await c.stop();
    assert.equal(ours()!.headers['dlt-attempts'], '3');
    assert.equal(await notesFor(poison.id), 0);
  });

  test("inbox retention deletes the group's rows processed longer ago than it keeps them, and no others", async () => {
    const day = 24 * 3600_000;
    const em = h.orm.em.fork();
    const row = (group: string, id: string, processedDaysAgo: number) =>
      em.execute(
        `insert into inbox_message (consumer_group, event_id, event_type, topic, partition, "offset", processed_at)
         values (?, ?, 'order.created', 't', 0, 0, now() - make_interval(days => ?))`,
        [group, id, processedDaysAgo],
      );
    // 12,000 rows of events 20 days old (more than one delete batch), then the ones that stay: an
    // event of 20 days ago processed yesterday (a replay), a recent one, another group's old one, and
    // an old event whose id is not time-ordered.
    await em.execute(
      `insert into inbox_message (consumer_group, event_id, event_type, topic, partition, "offset", processed_at)
       select 'retention', (substr(t, 1, 8) || '-' || substr(t, 9, 4) || '-7000-8000-' || lpad(to_hex(g), 12, '0'))::uuid,
         'order.created', 't', 0, g, now() - interval '20 days'
       from generate_series(1, 12000) g, lpad(to_hex(?::bigint + g), 12, '0') t`,
      [Date.now() - 20 * day],
    );
    const kept = [
      newId(Date.now() - 20 * day),
      newId(Date.now() - day),
      'ffffffff-0000-4000-8000-000000000000',
    ];
    await row('retention', kept[0], 1);
    await row('retention', kept[1], 1);
    await row('retention', kept[2], 20);
    await row('someone-else', newId(Date.now() - 20 * day), 20);
    const c = new EventConsumer({
      transport: h.transport,
      orm: h.orm,
      groupId: 'retention',
      topics: [TOPICS.orderEvents],
      topicPrefix: h.prefix,
      handlers: { 'order.created': recordNote },
      logger: silentLogger,
      inboxRetentionMs: 14 * day,
    });
    assert.equal(await c.cleanInbox(), 12_000);
    const left = await em.execute<{ consumer_group: string; event_id: string }[]>(
      `select consumer_group, event_id from inbox_message where consumer_group in ('retention', 'someone-else')
       order by consumer_group, event_id`,
    );
    assert.deepEqual(
      left.filter((r) => r.consumer_group === 'retention').map((r) => r.event_id),
      kept,
    );
    assert.equal(left.filter((r) => r.consumer_group === 'someone-else').length, 1);
    assert.equal(await c.cleanInbox(), 0);
  });

  test('a type cannot have both a handler and a batch handler', () => {
    assert.throws(
      () => batchConsumer('both', async () => undefined, { 'order.created': recordNote }),
      /both a handler and a batch handler: order\.created/,
    );
  });

  test('an event that keeps failing goes to the dead-letter topic with the error', async () => {
    const c = consumer('poison', async () => {
      throw new Error('cannot process this order');
    });
    await c.start();
    const event = orderCreated();
    await publish(event);
    const ours = () =>
      deadLetters.find(
        (m) => m.headers['dlt-consumer-group'] === `${h.prefix}poison` && m.headers['event-id'] === event.id,
      );
    await waitFor(ours, { message: 'dead letter published' });
    await c.stop();
    const dl = ours()!;
    assert.equal(JSON.parse(dl.value!.toString()).id, event.id, 'the original event is kept');
    assert.equal(dl.headers['dlt-attempts'], '3');
    assert.match(dl.headers['dlt-error'], /cannot process this order/);
    assert.equal(dl.headers['dlt-original-topic'], topic());
    assert.equal(await h.orm.em.fork().count(InboxMessage, { eventId: event.id }), 0);
  });

  test('a message that breaks its contract is dead-lettered at once, without retries', async () => {
    // The group reads the topic from the beginning: count only calls for this event.
    const event = orderCreated();
    let calls = 0;
    const c = consumer('contract', async (e) => void (e.id === event.id && calls++));
    const broken = JSON.stringify({
      ...event,
      payload: { ...(event.payload as object), total: { amountMinor: 1.5, currency: 'RUB' } },
    });
    await c.start();
    await publish(event, broken);
    const ours = () =>
      deadLetters.find(
        (m) =>
          m.headers['dlt-consumer-group'] === `${h.prefix}contract` && m.headers['event-id'] === event.id,
      );
    await waitFor(ours, { message: 'dead letter published' });
    await c.stop();
    const dl = ours()!;
    assert.equal(dl.headers['dlt-attempts'], '0');
    assert.match(dl.headers['dlt-error'], /total\.amountMinor/);
    assert.equal(calls, 0);
  });

  test('stop lets the event in flight finish and commits its offset', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started = false;
    const event = orderCreated();
    const slow: EventHandler = async (e, em) => {
      if (e.id !== event.id) return; // earlier tests' events on the topic
      started = true;
      await gate;
      em.persist(Object.assign(new TestNote(), { text: e.id }));
    };
    const c = consumer('graceful', slow);
    await c.start();
    await publish(event);
    await waitFor(() => started, { message: 'handler started' });
    const stopped = c.stop();
    setTimeout(release, 100);
    await stopped;
    assert.equal(await notesFor(event.id), 1, 'the in-flight event completed');

    // A new member of the same group is not handed the event again: its offset was committed.
    const seen: string[] = [];
    const again = h.transport.consumer({ groupId: `${h.prefix}graceful`, topics: [topic()] });
    await again.run(async (m) => void seen.push(JSON.parse(m.value!.toString()).id));
    const marker = orderCreated(event.aggregateId);
    await publish(marker);
    await waitFor(() => seen.includes(marker.id), { message: 'marker delivered to the new member' });
    await again.stop();
    assert.ok(!seen.includes(event.id));
  });
});
