import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OrderCreatedV1, TOPICS, newId } from '@openretail/contracts';
import { waitFor } from '@openretail/testing';
import { silentLogger } from '../logger';
import { openHarness, orderCreated, TestNote, type Harness } from '../test-support/harness';
import type { IncomingMessage, MessageProducer } from '../transport';
import { recordEvent, wakeRelayOnCommit } from './outbox';
import { OutboxMessage } from './outbox-message.entity';
import { OutboxRelay } from './outbox-relay';

describe('transactional outbox', () => {
  let h: Harness;
  const received: IncomingMessage[] = [];
  let stopConsumer: () => Promise<void>;

  before(async () => {
    h = await openHarness('outbox');
    const consumer = h.transport.consumer({
      groupId: `${h.prefix}reader`,
      topics: [h.prefix + TOPICS.orderEvents.name],
    });
    await consumer.run(async (m) => void received.push(m));
    stopConsumer = () => consumer.stop();
  });
  after(async () => {
    await stopConsumer();
    await h.close();
  });

  const pending = () => h.orm.em.fork().count(OutboxMessage, { publishedAt: null });
  const eventIdsOnTopic = () => received.map((m) => JSON.parse(m.value!.toString()).id as string);

  async function writeOrder(orderId = newId(), fail = false) {
    const event = orderCreated(orderId);
    await h.orm.em.fork().transactional(async (em) => {
      em.persist(Object.assign(new TestNote(), { text: `order ${orderId}` }));
      await recordEvent(em, OrderCreatedV1, event);
      if (fail) throw new Error('domain rule failed after the event was recorded');
    });
    return event;
  }

  function relay(producer: MessageProducer = h.transport.producer()) {
    return new OutboxRelay({
      databaseUrl: h.db.url,
      producer,
      logger: silentLogger,
      topicPrefix: h.prefix,
      pollIntervalMs: 50,
    });
  }

  test('refuses to record an event outside a transaction', async () => {
    const em = h.orm.em.fork();
    await assert.rejects(recordEvent(em, OrderCreatedV1, orderCreated()), /inside the transaction/);
  });

  test('a rolled-back transaction leaves neither the change nor the event', async () => {
    await assert.rejects(writeOrder(newId(), true), /domain rule failed/);
    assert.equal(await h.orm.em.fork().count(TestNote), 0);
    assert.equal(await h.orm.em.fork().count(OutboxMessage), 0);
  });

  test('events committed while no relay ran (a crash before publish) are published once on restart', async () => {
    const events = [await writeOrder(), await writeOrder()];
    assert.equal(await pending(), 2);
    const producer = h.transport.producer();
    await producer.connect();
    const r = relay(producer);
    r.start();
    await waitFor(async () => (await pending()) === 0, { message: 'outbox drained' });
    await waitFor(() => events.every((e) => eventIdsOnTopic().includes(e.id)), {
      message: 'events on the topic',
    });
    await r.stop();
    await producer.disconnect();
    for (const e of events) assert.equal(eventIdsOnTopic().filter((id) => id === e.id).length, 1);
  });

  test('keeps the write order of each aggregate on its partition', async () => {
    received.length = 0;
    const orders = [newId(), newId(), newId()];
    const written: { orderId: string; eventId: string }[] = [];
    for (let i = 0; i < 30; i++) {
      const orderId = orders[i % 3];
      written.push({ orderId, eventId: (await writeOrder(orderId)).id });
    }
    const producer = h.transport.producer();
    await producer.connect();
    const r = new OutboxRelay({
      databaseUrl: h.db.url,
      producer,
      logger: silentLogger,
      topicPrefix: h.prefix,
      batchSize: 7,
    });
    r.start();
    await waitFor(() => received.length >= 30, { message: '30 events received' });
    await r.stop();
    await producer.disconnect();
    for (const orderId of orders) {
      const sent = written.filter((w) => w.orderId === orderId).map((w) => w.eventId);
      const got = received.filter((m) => m.key === orderId);
      assert.deepEqual(
        got.map((m) => JSON.parse(m.value!.toString()).id),
        sent,
      );
      assert.equal(new Set(got.map((m) => m.partition)).size, 1, 'one aggregate, one partition');
      assert.equal(got[0].headers['event-type'], 'order.created');
    }
  });

  test('a crash after publish but before marking republishes; nothing is lost', async () => {
    received.length = 0;
    const event = await writeOrder();
    const real = h.transport.producer();
    await real.connect();
    // The broker acknowledges the batch, then the process "dies" before the rows are marked.
    const crashing: MessageProducer = {
      connect: async () => undefined,
      disconnect: async () => undefined,
      send: async (messages) => {
        await real.send(messages);
        throw new Error('process killed after publish');
      },
    };
    const crashed = relay(crashing);
    await assert.rejects(crashed.tick(), /process killed/);
    await crashed.stop(); // its connection, and with it the leader lock, dies with the process
    assert.equal(await pending(), 1, 'the row stays unpublished');
    const row = await h.orm.em.fork().findOneOrFail(OutboxMessage, { eventId: event.id });
    assert.equal(row.attempts, 1);
    assert.match(row.lastError ?? '', /process killed/);

    const restarted = relay(real);
    assert.equal(await restarted.tick(), 1);
    await restarted.stop();
    await real.disconnect();
    assert.equal(await pending(), 0);
    await waitFor(() => eventIdsOnTopic().filter((id) => id === event.id).length === 2, {
      message: 'the event is on the topic twice (consumers deduplicate by event id)',
    });
  });

  test('a commit in this process wakes the relay at once, without waiting for its poll', async () => {
    received.length = 0;
    const producer = h.transport.producer();
    await producer.connect();
    const r = new OutboxRelay({
      databaseUrl: h.db.url,
      producer,
      logger: silentLogger,
      topicPrefix: h.prefix,
      pollIntervalMs: 60_000,
    });
    wakeRelayOnCommit(h.orm, r);
    r.start();
    await waitFor(() => r.isLeader, { message: 'relay leading' });
    const event = await writeOrder();
    const started = Date.now();
    await waitFor(() => eventIdsOnTopic().includes(event.id), { message: 'published', timeoutMs: 10_000 });
    assert.ok(Date.now() - started < 5_000, 'published long before the one-minute poll');
    await r.stop();
    await producer.disconnect();
  });

  test('only one relay per database publishes; another takes over when it stops', async () => {
    const [ra, rb] = [relay(), relay()];
    await ra.tick();
    await rb.tick();
    assert.equal(ra.isLeader, true);
    assert.equal(rb.isLeader, false);
    await ra.stop(); // the lock dies with the leader's connection
    await rb.tick();
    assert.equal(rb.isLeader, true);
    await rb.stop();
  });

  test('retention deletes published rows past it, oldest first in bounded batches, and nothing else', async () => {
    const em = h.orm.em.fork();
    await em.execute('delete from outbox_message');
    // 25,000 rows published two hours ago (more than two of the relay's delete batches), then one
    // published a minute ago and one never published.
    const insert = (rows: number, publishedAt: string) =>
      em.execute(
        `insert into outbox_message (event_id, event_type, topic, message_key, envelope, headers, published_at)
         select gen_random_uuid(), 'order.created', 'nowhere', 'k', '{}', '{}', ${publishedAt}
         from generate_series(1, ${rows})`,
      );
    await insert(25_000, `now() - interval '2 hours'`);
    await insert(1, `now() - interval '1 minute'`);
    const young = await em.execute<{ id: string }[]>('select max(id) as id from outbox_message');
    const kept = await em.execute<{ event_id: string }[]>(
      `insert into outbox_message (event_id, event_type, topic, message_key, envelope, headers)
       values (gen_random_uuid(), 'order.created', 'nowhere', 'k', '{}', '{}') returning event_id`,
    );
    // The unpublished row stays unpublished: this relay's producer refuses it.
    const failing: MessageProducer = {
      connect: async () => undefined,
      disconnect: async () => undefined,
      send: async () => {
        throw new Error('broker unavailable');
      },
    };
    const r = new OutboxRelay({
      databaseUrl: h.db.url,
      producer: failing,
      logger: silentLogger,
      topicPrefix: h.prefix,
      retentionMs: 3_600_000,
    });
    await assert.rejects(r.tick(), /broker unavailable/);
    await r.stop();
    const left = await em.execute<{ id: string; event_id: string; published: boolean }[]>(
      'select id, event_id, published_at is not null as published from outbox_message order by id',
    );
    assert.deepEqual(
      left.map((row) => [row.id === young[0].id || row.event_id === kept[0].event_id, row.published]),
      [
        [true, true],
        [true, false],
      ],
    );
  });
});
