import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { OrderJson } from '@openretail/contracts';
import { messagingEntities } from '@openretail/messaging';
import {
  createTestDatabase,
  migrateUp,
  openDatabase,
  type ServiceOrm,
  type TestDatabase,
} from '@openretail/persistence';
import { demoPult } from '../reference-data/demo-pult';
import { ReferenceDataService } from '../reference-data/reference-data.service';
import { ordersServiceDefinition } from '../service';
import type { Caller } from './order-commands';
import { OrdersService } from './orders.service';

/**
 * The combine command, payment ids and the API key of history entries in the orders service over a
 * real PostgreSQL: what the domain plans is stored in one transaction with its history and outbox
 * events, and payments are found by their numeric and external ids.
 */

const rub = (amountMinor: number) => ({ amountMinor, currency: 'RUB' });
const manager: Caller = {
  userId: 'u-1',
  groups: ['managers'],
  source: 'manager',
  sites: 'all',
  permissions: [],
  apiKeyId: 'key-cms',
};
const newOrder = (externalId: string, items: OrderJson['items'], payments: OrderJson['payments'] = []) => ({
  site: 'pult',
  currency: 'RUB',
  externalId,
  customer: { firstName: 'Анна', phones: ['+79161234567'] },
  items,
  payments,
});
const cable = (quantity: number) => ({
  offerExternalId: 'cable',
  name: 'Кабель',
  quantity,
  unitPrice: rub(100_000),
});

describe('orders service: combine, payment ids, history keys', () => {
  let db: TestDatabase;
  let orm: ServiceOrm;
  let orders: OrdersService;
  const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
    orm.em.fork().getConnection().execute<T[]>(query, params);

  before(async () => {
    db = await createTestDatabase('orders_combine');
    orm = await openDatabase({
      url: db.url,
      entities: [...ordersServiceDefinition.database!.entities, ...messagingEntities],
      serviceDir: path.resolve(__dirname, '..'),
    });
    await migrateUp(orm);
    await new ReferenceDataService(orm).replace(demoPult);
    orders = new OrdersService(orm, new ReferenceDataService(orm));
  });
  after(async () => {
    await orm?.close(true);
    await db?.drop();
  });

  test('payments get installation-wide numeric ids on create (also created together) and on add', async () => {
    const [a, b] = await Promise.all([
      orders.create(
        newOrder(
          'p-a',
          [cable(1)],
          [{ type: 'cash', status: 'not-paid', amount: rub(1), externalId: 'x-1' }],
        ),
        manager,
      ),
      orders.create(
        newOrder(
          'p-b',
          [cable(1)],
          [
            { type: 'cash', status: 'not-paid', amount: rub(2) },
            { type: 'cash', status: 'not-paid', amount: rub(3) },
          ],
        ),
        manager,
      ),
    ]);
    const added = await orders.execute(
      { id: a.order.id },
      {
        kind: 'payment-add',
        payment: { type: 'cash', status: 'not-paid', amount: rub(4), externalId: 'x-1b' },
      },
      manager,
    );
    const numericIds = [...b.order.payments, ...added.order.payments].map((p) => p.numericId!);
    assert.ok(numericIds.every((n) => Number.isSafeInteger(n) && n > 0));
    assert.equal(new Set(numericIds).size, 4, 'each its own');

    const byNumeric = await orders.get({ paymentNumericId: b.order.payments[1].numericId! }, manager);
    assert.equal(byNumeric.order.id, b.order.id);
    const byExternal = await orders.get({ paymentExternalId: 'x-1b' }, manager);
    assert.equal(byExternal.order.id, a.order.id);
    // An external id is unique in its order only: found in two orders, the caller must name the order.
    await orders.create(
      newOrder('p-c', [cable(1)], [{ type: 'cash', status: 'not-paid', amount: rub(1), externalId: 'x-1' }]),
      manager,
    );
    await assert.rejects(orders.get({ paymentExternalId: 'x-1' }, manager), {
      name: 'ValidationError',
      message: /both have a payment with externalId x-1: name the order/,
    });
    await assert.rejects(orders.get({ paymentNumericId: 999_999_999 }, manager), { name: 'NotFoundError' });
    // A key for another site does not find it.
    await assert.rejects(orders.get({ paymentExternalId: 'x-1b' }, { ...manager, sites: ['pult-opt'] }), {
      name: 'NotFoundError',
    });
  });

  test('combine: both orders change in one transaction, with history (and the API key) and outbox events', async () => {
    const into = await orders.create(newOrder('c-into', [cable(2)]), manager);
    const other = await orders.create(
      newOrder(
        'c-other',
        [cable(3), { name: 'Стойка', quantity: 1, unitPrice: rub(500_000) }],
        [{ type: 'cash', status: 'not-paid', amount: rub(1_000), externalId: 'pay-1' }],
      ),
      manager,
    );
    const { result, combined } = await orders.combine(
      { site: 'pult', externalId: 'c-other' },
      { numericId: into.order.numericId! },
      { technique: 'summ' },
      manager,
    );
    assert.deepEqual(
      result.order.items.map((i) => [i.name, i.quantity]),
      [
        ['Кабель', 5],
        ['Стойка', 1],
      ],
    );
    assert.deepEqual(result.order.payments, other.order.payments, 'moved as they were');
    assert.equal(result.version, 2);
    assert.equal(combined.order.status, 'cancelled-other');
    assert.equal(combined.order.combinedInto, into.order.id);
    assert.equal(combined.version, 2);
    assert.equal(combined.statusGroup, 'cancel');

    // The moved payment is found in its new order.
    assert.equal((await orders.get({ paymentExternalId: 'pay-1' }, manager)).order.id, into.order.id);
    const [{ final }] = await sql<{ final: boolean }>('select final from orders where id = ?', [
      other.order.id,
    ]);
    assert.equal(final, true);

    const history = await sql<{ order_id: string; field: string; api_key_id: string; order_version: string }>(
      'select order_id, field, api_key_id, order_version from order_history where order_id in (?, ?) and order_version = 2 order by id',
      [into.order.id, other.order.id],
    );
    assert.ok(history.every((h) => h.api_key_id === 'key-cms'));
    assert.deepEqual(
      history.filter((h) => h.order_id === other.order.id).map((h) => h.field),
      [
        'cancelReason',
        'combinedInto',
        `payments[${other.order.payments[0].id}]`,
        'status',
        'statusUpdatedAt',
      ],
    );
    assert.ok(history.some((h) => h.order_id === into.order.id && h.field === 'combinedFrom'));
    const created = await sql<{ api_key_id: string }>(
      'select api_key_id from order_history where order_id = ? and field = ?',
      [into.order.id, 'created'],
    );
    assert.equal(created[0].api_key_id, 'key-cms', 'creates record the key too');

    const events = await sql<{ message_key: string; event_type: string }>(
      'select message_key, event_type from outbox_message where message_key in (?, ?) order by id',
      [into.order.id, other.order.id],
    );
    assert.deepEqual(
      events.filter((e) => e.message_key === other.order.id).map((e) => e.event_type),
      ['order.created', 'order.combined', 'order.status-changed', 'order.cancelled'],
    );
    assert.deepEqual(
      events.filter((e) => e.message_key === into.order.id).map((e) => e.event_type),
      ['order.created', 'order.updated'],
    );

    // Again: nothing changes, and both orders are answered as they are.
    const again = await orders.combine(
      { id: other.order.id },
      { id: into.order.id },
      { technique: 'summ' },
      manager,
    );
    assert.deepEqual([again.result.version, again.combined.version], [2, 2]);
    await assert.rejects(
      orders.execute(
        { id: other.order.id },
        { kind: 'edit', order: { managerComment: 'x' }, mask: ['managerComment'] },
        manager,
      ),
      { name: 'PreconditionError', message: /was combined into order .* and changes no more/ },
    );
  });

  test('combine: concurrent combines of one pair in both directions: one wins, none deadlocks', async () => {
    const a = await orders.create(newOrder('race-a', [cable(1)]), manager);
    const b = await orders.create(newOrder('race-b', [cable(1)]), manager);
    const outcomes = await Promise.allSettled([
      orders.combine({ id: a.order.id }, { id: b.order.id }, { technique: 'ours' }, manager),
      orders.combine({ id: b.order.id }, { id: a.order.id }, { technique: 'ours' }, manager),
    ]);
    assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
    const refused = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')!;
    assert.equal((refused.reason as Error).name, 'PreconditionError');
  });

  test('the migration gives the payments of existing orders numeric ids and fills the payment columns', async () => {
    const old = await createTestDatabase('orders_payment_ids');
    const oldOrm = await openDatabase({
      url: old.url,
      entities: [...ordersServiceDefinition.database!.entities, ...messagingEntities],
      serviceDir: path.resolve(__dirname, '..'),
    });
    try {
      await oldOrm.getMigrator().up({ to: 'Migration20261126120000_order_numeric_id' });
      const payment = (id: string) => ({ id, type: 'cash', status: 'paid', amount: rub(100) });
      const insert = (id: string, numericId: number, payments: unknown[]) =>
        oldOrm.em.getConnection().execute(
          `insert into orders (id, numeric_id, site, number, currency, request_fingerprint, status, status_group, final, version, total_minor, document, created_at, updated_at, status_updated_at)
           values (?, ?, 'pult', ?, 'RUB', 'f', 'new', 'new', false, 1, 0, ?, now(), now(), now())`,
          [id, numericId, `${numericId}A`, JSON.stringify({ id, numericId, payments })],
        );
      await insert('0195a1b2-0000-7000-8000-0000000000a1', 1, [payment('p-1'), payment('p-2')]);
      await insert('0195a1b2-0000-7000-8000-0000000000a2', 2, []);
      await migrateUp(oldOrm);
      const rows = await oldOrm.em.getConnection().execute<
        {
          numeric_id: string;
          payments: { id: string; numericId: number }[];
          payment_ids: string[] | null;
        }[]
      >(`select numeric_id, document->'payments' as payments, payment_ids from orders order by numeric_id`);
      const ids = rows[0].payments.map((p) => p.numericId);
      assert.deepEqual(
        rows[0].payments.map((p) => p.id),
        ['p-1', 'p-2'],
      );
      assert.equal(new Set(ids).size, 2);
      assert.deepEqual(rows[0].payment_ids?.map(Number), ids);
      assert.deepEqual([rows[1].payments, rows[1].payment_ids], [[], null]);
      // New payments continue after them.
      const [{ next }] = await oldOrm.em
        .getConnection()
        .execute<{ next: string }[]>(`select nextval('payment_numeric_id_seq') as next`);
      assert.ok(Number(next) > Math.max(...ids));
    } finally {
      await oldOrm.close(true);
      await old.drop();
    }
  });
});
