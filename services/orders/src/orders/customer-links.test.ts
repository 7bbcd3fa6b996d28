import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  CustomerMergedV1,
  CustomerOrderLinkedV1,
  newId,
  type EventEnvelope,
  type OrderJson,
} from '@openretail/contracts';
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
import { customerLinksConsumer } from './customer-links';
import type { Caller } from './order-commands';
import { OrdersService } from './orders.service';

const manager: Caller = {
  userId: 'u-1',
  groups: ['managers'],
  source: 'manager',
  sites: 'all',
  permissions: [],
};
const actor = { source: 'system' };

const newOrder = (customerId?: string): OrderJson => ({
  site: 'pult',
  currency: 'RUB',
  customer: { ...(customerId ? { customerId } : {}), firstName: 'Анна', phones: ['+79161234567'] },
  items: [{ name: 'Пластинка', quantity: 1, unitPrice: { amountMinor: 250_000, currency: 'RUB' } }],
});

describe('orders follow the customer links of the customers service', () => {
  let db: TestDatabase;
  let orm: ServiceOrm;
  let orders: OrdersService;
  const consumer = () => customerLinksConsumer(orders);
  /** Handles events as the inbox consumer does: in one transaction, a run together. */
  const handle = (...events: EventEnvelope[]) =>
    orm.em.fork().transactional((em) =>
      consumer().batchHandlers![events[0].type](
        events,
        em,
        events.map(() => ({})),
      ),
    );
  const linked = (orderId: string, customerId: string, previousCustomerId?: string) =>
    CustomerOrderLinkedV1.create(
      {
        orderId,
        site: 'pult',
        customerId,
        ...(previousCustomerId ? { previousCustomerId } : {}),
        decision: previousCustomerId ? 'merged' : 'created',
        actor,
      },
      { source: 'customers', aggregateId: orderId },
    ) as EventEnvelope;
  const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
    orm.em.fork().getConnection().execute<T[]>(query, params);

  before(async () => {
    db = await createTestDatabase('order_customer_links');
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

  test('a link sets the customer in the document and the column, with history (system) and order.updated', async () => {
    const order = await orders.create(newOrder(), manager);
    const customerId = newId();
    await handle(linked(order.order.id, customerId));
    const view = await orders.get({ id: order.order.id }, manager);
    assert.equal(view.order.customer.customerId, customerId);
    assert.equal(view.version, 2);
    const listed = await orders.list({ customerId }, manager);
    assert.deepEqual(
      listed.views.map((v) => v.order.id),
      [order.order.id],
    );
    const history = await orders.history({ afterId: 0, orderId: order.order.id }, manager);
    assert.deepEqual(
      history.entries
        .filter((e) => e.field !== 'created')
        .map((e) => [e.field, e.oldValue, e.newValue, e.source]),
      [['customer.customerId', null, customerId, 'system']],
    );
    const [updated] = await sql<{
      envelope: { payload: { changedFields: string[]; order: { customerId: string } } };
    }>(`select envelope from outbox_message where event_type = 'order.updated' and message_key = ?`, [
      order.order.id,
    ]);
    assert.deepEqual(updated.envelope.payload.changedFields, ['customer.customerId']);
    assert.equal(updated.envelope.payload.order.customerId, customerId);

    await handle(linked(order.order.id, customerId));
    assert.equal(
      (await orders.get({ id: order.order.id }, manager)).version,
      2,
      'the same link again changes nothing',
    );
  });

  test("a batch's links apply together, an order's links in order", async () => {
    const [a, b] = [await orders.create(newOrder(), manager), await orders.create(newOrder(), manager)];
    const [first, survivor, other] = [newId(), newId(), newId()];
    const changed = await orm.em.fork().transactional((em) =>
      orders.linkCustomers(em, [
        { orderId: a.order.id, customerId: first },
        { orderId: b.order.id, customerId: other },
        { orderId: a.order.id, customerId: survivor, expected: first },
        // Stale: a no longer points at `first` once the link before it applied.
        { orderId: a.order.id, customerId: newId(), expected: first },
      ]),
    );
    assert.equal(changed, 3);
    const viewA = await orders.get({ id: a.order.id }, manager);
    assert.equal(viewA.order.customer.customerId, survivor);
    assert.equal(viewA.version, 3);
    assert.equal((await orders.get({ id: b.order.id }, manager)).order.customer.customerId, other);
    const history = await orders.history({ afterId: 0, orderId: a.order.id }, manager);
    assert.deepEqual(
      history.entries
        .filter((e) => e.field !== 'created')
        .map((e) => [e.oldValue, e.newValue, e.orderVersion]),
      [
        [null, first, 2],
        [first, survivor, 3],
      ],
    );
    const events = await sql<{ envelope: { payload: { order: { customerId: string; version: number } } } }>(
      `select envelope from outbox_message where event_type = 'order.updated' and message_key = ? order by id`,
      [a.order.id],
    );
    assert.deepEqual(
      events.map((e) => [e.envelope.payload.order.customerId, e.envelope.payload.order.version]),
      [
        [first, 2],
        [survivor, 3],
      ],
    );
  });

  test('a link is not applied over a change made in between', async () => {
    const order = await orders.create(newOrder(), manager);
    const chosen = newId();
    await orders.execute(
      { id: order.order.id },
      { kind: 'edit', order: { customer: { customerId: chosen } }, mask: ['customer.customerId'] },
      manager,
    );
    await handle(linked(order.order.id, newId()));
    assert.equal((await orders.get({ id: order.order.id }, manager)).order.customer.customerId, chosen);
    // The customers service moving the order on from the profile it chose (a merge) is applied.
    const survivor = newId();
    await handle(linked(order.order.id, survivor, chosen));
    assert.equal((await orders.get({ id: order.order.id }, manager)).order.customer.customerId, survivor);
  });

  const mergedEvent = (survivor: string, mergedIds: string[], linkedOrderIds: string[]) =>
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
          version: 3,
          createdAt: new Date().toISOString(),
          updatedAt: new Date().toISOString(),
        },
        actor,
        mergeId: newId(),
        survivorId: survivor,
        mergedIds,
        linkedOrderIds,
      },
      { source: 'customers', aggregateId: survivor },
    ) as EventEnvelope;

  test('links and merges of one batch apply in stream order', async () => {
    const [merged, survivor, later] = [newId(), newId(), newId()];
    const order = await orders.create(newOrder(merged), manager);
    // The link names the survivor as the order's customer: it must come after the merge.
    await handle(mergedEvent(survivor, [merged], []), linked(order.order.id, later, survivor));
    assert.equal((await orders.get({ id: order.order.id }, manager)).order.customer.customerId, later);
  });

  test('a merge moves the other orders of the merged profiles to the survivor', async () => {
    const merged = newId();
    const survivor = newId();
    const known = await orders.create(newOrder(merged), manager);
    const other = await orders.create(newOrder(merged), manager);
    const unrelated = await orders.create(newOrder(newId()), manager);
    const event = mergedEvent(survivor, [merged], [known.order.id]);
    await handle(event);
    const customerOf = async (id: string) => (await orders.get({ id }, manager)).order.customer.customerId;
    assert.equal(await customerOf(other.order.id), survivor);
    assert.equal(await customerOf(known.order.id), merged, 'left to its own link event');
    assert.equal(await customerOf(unrelated.order.id), unrelated.order.customer.customerId);
  });
});
