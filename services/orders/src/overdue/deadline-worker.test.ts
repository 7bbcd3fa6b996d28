import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MikroORM } from '@mikro-orm/postgresql';
import { TOPICS, type OrderJson } from '@openretail/contracts';
import { messagingEntities, silentLogger } from '@openretail/messaging';
import { APP_LOGGER, Metrics, metrics } from '@openretail/observability';
import {
  createTestDatabase,
  migrateUp,
  openDatabase,
  type ServiceOrm,
  type TestDatabase,
} from '@openretail/persistence';
import { SERVICE_CONFIG } from '@openretail/service-runtime';
import { waitFor } from '@openretail/testing';
import type { Caller } from '../orders/order-commands';
import { fromDocument, toDocument, type OrderDocument } from '../orders/order-document';
import { OrdersService, type OrderView } from '../orders/orders.service';
import { demoPult } from '../reference-data/demo-pult';
import { ReferenceDataService } from '../reference-data/reference-data.service';
import { ordersServiceDefinition } from '../service';
import type { Clock } from './clock';
import { deadlineScheduler } from './deadline-scheduler';
import { DeadlineWorker, type DeadlineWorkerOptions } from './deadline-worker';
import { DeadlinesModule } from './deadlines.module';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const manager: Caller = {
  userId: 'u-1',
  groups: ['managers'],
  source: 'manager',
  sites: 'all',
  permissions: [],
};

const newOrder: OrderJson = {
  site: 'pult',
  currency: 'RUB',
  customer: { firstName: 'Анна', phones: ['+79161234567'] },
  items: [
    { name: 'Ресивер Denon AVR-X1800H', quantity: 1, unitPrice: { amountMinor: 4_999_000, currency: 'RUB' } },
  ],
};

/** The demo data, plus a one-step way to complete an order so a test can finish one. */
const referenceData = structuredClone(demoPult);
referenceData.sites.find((s) => s.code === 'pult')!.completeRequires = [];
referenceData.transitions.push({ site: 'pult', from: 'new', to: 'complete' });

/** A clock the test moves. */
function testClock(start: Date): Clock & { set(at: Date): void } {
  let now = start;
  return { now: () => now, set: (at) => (now = at) };
}

const plus = (start: Date, ms: number) => new Date(start.getTime() + ms);

interface OutboxEvent {
  type: string;
  aggregateId: string;
  occurredAt: string;
  payload: Record<string, unknown> & { order: Record<string, unknown> };
}

describe('deadline worker', () => {
  let db: TestDatabase;
  let orm: ServiceOrm;
  let orders: OrdersService;

  const entities = [...ordersServiceDefinition.database!.entities, ...messagingEntities];
  const open = () => openDatabase({ url: db.url, entities, serviceDir: path.resolve(__dirname, '..') });
  const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
    orm.em.fork().getConnection().execute<T[]>(query, params);

  /** A worker as a replica runs it: its own reference data cache, on the given database pool. */
  const worker = (clock: Clock, options: Partial<DeadlineWorkerOptions> = {}, db: MikroORM = orm) =>
    new DeadlineWorker(db, new ReferenceDataService(db), {
      pollMs: 10,
      clock,
      logger: silentLogger,
      replanDelayMs: 0,
      ...options,
    });

  const create = (): Promise<OrderView> => orders.create(newOrder, manager);
  const changeStatus = (view: OrderView, status: string) =>
    orders.execute({ id: view.order.id }, { kind: 'status-change', status }, manager);

  /** The overdue and stale events in the outbox, oldest first. */
  const events = async (orderId?: string): Promise<OutboxEvent[]> => {
    const rows = await sql<{ envelope: OutboxEvent }>(
      `select envelope from outbox_message where event_type in ('order.status-overdue', 'order.stale') order by id`,
    );
    return rows.map((r) => r.envelope).filter((e) => !orderId || e.aggregateId === orderId);
  };

  const deadlines = async (orderId: string) =>
    (
      await sql<{ kind: string; status: string; due_at: string; fired_at: string | null }>(
        'select kind, status, due_at, fired_at from order_deadlines where order_id = ? order by kind, due_at',
        [orderId],
      )
    ).map((d) => ({ ...d, due_at: new Date(d.due_at) }));

  before(async () => {
    db = await createTestDatabase('order_deadlines');
    orm = await open();
    await migrateUp(orm);
    await new ReferenceDataService(orm).replace(referenceData);
  });
  after(async () => {
    await orm?.close(true);
    await db?.drop();
  });
  beforeEach(async () => {
    // Each test sees only its own orders' deadlines come due.
    await sql('truncate orders, order_history, order_command_keys, order_deadlines, outbox_message');
    // A fresh cache: a test that changes the reference data must not leave its copy to the next one.
    orders = new OrdersService(orm, new ReferenceDataService(orm));
  });

  test('an order in "new" fires one order.status-overdue once its 15 minutes are up, none before', async () => {
    const order = await create();
    const enteredNew = order.order.statusUpdatedAt;
    assert.deepEqual(
      (await deadlines(order.order.id)).map((d) => [d.kind, d.due_at.getTime()]),
      [
        ['stale', enteredNew.getTime() + 30 * DAY],
        ['status-overdue', enteredNew.getTime() + 15 * MINUTE],
      ],
      'planned in the transaction that created the order',
    );
    const clock = testClock(plus(enteredNew, 15 * MINUTE - 1));
    const w = worker(clock);

    assert.equal((await w.runOnce()).fired, 0);
    assert.deepEqual(await events(), [], 'nothing before the deadline');

    clock.set(plus(enteredNew, 15 * MINUTE));
    assert.equal((await w.runOnce()).fired, 1);
    clock.set(plus(enteredNew, 20 * MINUTE));
    assert.equal((await w.runOnce()).fired, 0, 'a fired deadline does not fire again');

    const [event, ...more] = await events();
    assert.deepEqual(more, []);
    assert.equal(event.type, 'order.status-overdue');
    assert.equal(event.aggregateId, order.order.id);
    assert.equal(event.occurredAt, plus(enteredNew, 15 * MINUTE).toISOString());
    const { order: summary, ...payload } = event.payload;
    assert.deepEqual(payload, {
      status: 'new',
      statusSince: enteredNew.toISOString(),
      deadline: plus(enteredNew, 15 * MINUTE).toISOString(),
      timeLimitMinutes: 15,
    });
    assert.equal(summary.orderId, order.order.id);
    assert.equal(summary.number, order.order.number);
    assert.equal(summary.status, 'new');
    assert.equal(summary.version, 1);
    const [row] = await sql<{ topic: string; message_key: string }>(
      'select topic, message_key from outbox_message',
    );
    assert.equal(row.topic, TOPICS.orderEvents.name);
    assert.equal(row.message_key, order.order.id, "keyed by order, like the order's other events");
  });

  test("a status change before the deadline cancels it and plans the next status's", async () => {
    const created = await create();
    const checking = await changeStatus(created, 'availability-check');
    const entered = checking.order.statusUpdatedAt;
    // An edit leaves the status alone, and with it the deadlines.
    await orders.execute(
      { id: created.order.id },
      { kind: 'edit', order: { managerComment: 'called back' }, mask: ['managerComment'] },
      manager,
    );
    assert.deepEqual(
      (await deadlines(created.order.id)).map((d) => [d.kind, d.status, d.due_at.getTime()]),
      [
        ['stale', 'availability-check', created.order.createdAt.getTime() + 30 * DAY],
        ['status-overdue', 'availability-check', entered.getTime() + 120 * MINUTE],
      ],
    );

    const clock = testClock(plus(created.order.statusUpdatedAt, 16 * MINUTE));
    const w = worker(clock);
    await w.runOnce();
    assert.deepEqual(await events(), [], '"new" was left in time');

    clock.set(plus(entered, 120 * MINUTE));
    await w.runOnce();
    const fired = await events();
    assert.deepEqual(
      fired.map((e) => [e.type, e.payload.status, e.payload.timeLimitMinutes, e.payload.order.version]),
      [['order.status-overdue', 'availability-check', 120, 3]],
    );
  });

  test('two replicas running at once fire each deadline exactly once', async () => {
    const created = await Promise.all(Array.from({ length: 40 }, () => create()));
    const latest = Math.max(...created.map((o) => o.order.statusUpdatedAt.getTime()));
    const clock = testClock(new Date(latest + 15 * MINUTE));
    const otherOrm = await open();
    try {
      // Small batches, so that both replicas go through several at the same time.
      const [a, b] = [worker(clock, { batchSize: 3 }), worker(clock, { batchSize: 3 }, otherOrm)];
      const [ra, rb] = await Promise.all([a.runOnce(), b.runOnce()]);
      assert.equal(ra.fired + rb.fired, 40);
      const again = await Promise.all([a.runOnce(), b.runOnce()]);
      assert.deepEqual(
        again.map((r) => r.fired),
        [0, 0],
      );
    } finally {
      await otherOrm.close(true);
    }
    const fired = await events();
    assert.equal(fired.length, 40);
    assert.deepEqual(
      new Set(fired.map((e) => e.aggregateId)),
      new Set(created.map((o) => o.order.id)),
      'one event for each order',
    );
  });

  test('a deadline claimed by a worker that then crashes fires later, once', async () => {
    const order = await create();
    const clock = testClock(plus(order.order.statusUpdatedAt, 15 * MINUTE));

    // A replica dies inside its transaction: here, recording the event fails, so nothing commits.
    await sql(`create function fail_outbox() returns trigger language plpgsql as
      $$ begin raise exception 'replica crashed'; end $$`);
    await sql(
      'create trigger crash before insert on outbox_message for each row execute function fail_outbox()',
    );
    await assert.rejects(worker(clock).runOnce(), /replica crashed/);
    await sql('drop trigger crash on outbox_message');
    await sql('drop function fail_outbox()');
    assert.deepEqual(await events(), []);
    assert.equal(
      (await deadlines(order.order.id)).find((d) => d.kind === 'status-overdue')?.fired_at,
      null,
      'rolled back: still due',
    );

    // A replica that holds the claim (its transaction still open) is skipped, not waited for...
    const stuck = orm.em.fork();
    await stuck.begin();
    await stuck.execute(
      "select key from order_deadlines where order_id = ? and kind = 'status-overdue' for update",
      [order.order.id],
    );
    const restarted = worker(clock);
    assert.equal((await restarted.runOnce()).fired, 0);
    // ...and once its connection is gone, the deadline fires.
    await stuck.rollback();
    assert.equal((await restarted.runOnce()).fired, 1);
    assert.equal((await restarted.runOnce()).fired, 0);
    assert.deepEqual(
      (await events()).map((e) => [e.type, e.aggregateId]),
      [['order.status-overdue', order.order.id]],
    );
  });

  test('order.stale fires once for an order left open past its stale age, never for a completed one', async () => {
    const left = await create();
    const completed = await changeStatus(await create(), 'complete');
    assert.deepEqual(await deadlines(completed.order.id), [], 'a final status has no deadlines');

    const clock = testClock(plus(left.order.createdAt, 30 * DAY - 1));
    const w = worker(clock);
    await w.runOnce();
    assert.deepEqual(
      (await events()).map((e) => e.type),
      ['order.status-overdue'],
      'not stale yet; its 15 minutes in "new" are long up',
    );

    clock.set(plus(left.order.createdAt, 30 * DAY));
    await w.runOnce();
    clock.set(plus(left.order.createdAt, 90 * DAY));
    await w.runOnce();

    const stale = (await events()).filter((e) => e.type === 'order.stale');
    assert.equal(stale.length, 1);
    assert.equal(stale[0].aggregateId, left.order.id);
    assert.equal(stale[0].payload.staleSince, plus(left.order.createdAt, 30 * DAY).toISOString());
    assert.equal(stale[0].payload.staleAfterDays, 30);
    assert.deepEqual(await events(completed.order.id), []);
  });

  test('after a reference data change, open orders are replanned once, existing orders included', async () => {
    const planned = await create();
    const existing = await create();
    // As if created before deadlines were planned: the first pass must find it.
    await sql('delete from order_deadlines where order_id = ?', [existing.order.id]);

    const longer = structuredClone(referenceData);
    longer.statuses.find((s) => s.code === 'new')!.timeLimitMinutes = 60;
    const { version } = await new ReferenceDataService(orm).replace(longer);
    try {
      const start = planned.order.statusUpdatedAt;
      const clock = testClock(plus(start, 16 * MINUTE));

      // A replica that has not replanned yet moves a deadline the new limit puts later, and fires nothing.
      const waiting = worker(clock, { replanDelayMs: 60_000 });
      assert.deepEqual(await waiting.runOnce(), { fired: 0, postponed: 1, dropped: 0, replanned: 0 });

      const first = worker(clock, { replanBatchSize: 1 });
      assert.equal((await first.runOnce()).replanned, 2, 'every open order, in batches of one');
      assert.equal((await worker(clock).runOnce()).replanned, 0, 'done for this version, for every replica');
      const [progress] = await sql('select ref_version, done from order_deadline_replan');
      assert.deepEqual(progress, { ref_version: version, done: true });
      for (const o of [planned, existing]) {
        assert.deepEqual(
          (await deadlines(o.order.id)).map((d) => [d.kind, d.due_at.getTime()]),
          [
            ['stale', o.order.createdAt.getTime() + 30 * DAY],
            ['status-overdue', o.order.statusUpdatedAt.getTime() + 60 * MINUTE],
          ],
        );
      }

      clock.set(plus(start, 59 * MINUTE));
      await first.runOnce();
      assert.deepEqual(await events(), []);
      clock.set(
        new Date(
          Math.max(...[planned, existing].map((o) => o.order.statusUpdatedAt.getTime())) + 60 * MINUTE,
        ),
      );
      await first.runOnce();
      assert.deepEqual(
        (await events()).map((e) => [e.aggregateId, e.payload.timeLimitMinutes]).sort(),
        [
          [planned.order.id, 60],
          [existing.order.id, 60],
        ].sort(),
      );
    } finally {
      await new ReferenceDataService(orm).replace(referenceData);
    }
  });

  test('the service starts the worker with DEADLINE_POLL_MS and stops it when it closes', async () => {
    const order = await create();
    // Entered 'new' 20 minutes ago by the real clock the service uses.
    const state = fromDocument(
      (await sql<{ document: OrderDocument }>('select document from orders'))[0].document,
    );
    const moved = {
      ...state,
      statusUpdatedAt: new Date(Date.now() - 20 * MINUTE),
      createdAt: new Date(Date.now() - 20 * MINUTE),
    };
    await orm.em.fork().transactional(async (em) => {
      await em.execute('update orders set document = ? where id = ?', [
        JSON.stringify(toDocument(moved)),
        order.order.id,
      ]);
      await em.execute('delete from order_deadlines');
      await deadlineScheduler.replan(em, await new ReferenceDataService(orm).get(), [moved]);
    });

    @Global()
    @Module({
      providers: [
        { provide: MikroORM, useValue: orm },
        { provide: SERVICE_CONFIG, useValue: { DEADLINE_POLL_MS: 20 } },
        { provide: APP_LOGGER, useValue: { ...silentLogger, error: console.error } },
        { provide: Metrics, useValue: metrics },
      ],
      exports: [MikroORM, SERVICE_CONFIG, APP_LOGGER, Metrics],
    })
    class Platform {}
    @Module({ imports: [Platform, DeadlinesModule] })
    class App {}

    const app = await NestFactory.createApplicationContext(App, { logger: false });
    try {
      await waitFor(async () => (await events()).length === 1, { timeoutMs: 5000 });
    } finally {
      await app.close();
    }
    assert.match(await metrics.text(), /orders_deadline_events_total\{kind="status-overdue"\} [1-9]/);
  });
});
