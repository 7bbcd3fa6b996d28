import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { OrderJson, OrderSummary } from '@openretail/contracts';
import { Metadata, ordersV1, type CallContext } from '@openretail/grpc';
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
import { OrdersGrpcHandler } from './orders.grpc';
import { OrdersService } from './orders.service';

/**
 * The product categories of order lines through the orders service's gRPC contract over a real
 * PostgreSQL, every request and answer encoded as protobuf: stored with the line, read back, edited
 * like any other line field (with its history entry) and listed in the events' order summary.
 */

const rub = (amountMinor: number) => ({ amountMinor, currency: 'RUB' });
const caller = { userId: 'u-1', groups: ['managers'], source: 'manager', allSites: true };
const callContext: CallContext = {
  metadata: new Metadata(),
  deadline: undefined,
  peer: 'test',
  signal: new AbortController().signal,
  method: 'test',
};

describe('orders service: product categories of order lines', () => {
  let db: TestDatabase;
  let orm: ServiceOrm;
  let grpc: ReturnType<OrdersGrpcHandler['implementation']>;
  const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
    orm.em.fork().getConnection().execute<T[]>(query, params);

  /** A call as it travels: the request and the answer go through their protobuf encoding. */
  async function call<M extends 'CreateOrder' | 'GetOrder' | 'UpdateOrder'>(
    method: M,
    request: Parameters<ReturnType<typeof ordersV1.ordersService>[M]['requestSerialize']>[0],
  ): Promise<OrderJson> {
    const wire = ordersV1.ordersService()[method];
    const decoded = wire.requestDeserialize(wire.requestSerialize(request as never));
    const answer = await (grpc[method] as (r: unknown, c: CallContext) => Promise<unknown>)(
      decoded,
      callContext,
    );
    return ordersV1.orderFromProto(wire.responseDeserialize(wire.responseSerialize(answer as never)));
  }

  before(async () => {
    db = await createTestDatabase('orders_item_categories');
    orm = await openDatabase({
      url: db.url,
      entities: [...ordersServiceDefinition.database!.entities, ...messagingEntities],
      serviceDir: path.resolve(__dirname, '..'),
    });
    await migrateUp(orm);
    await new ReferenceDataService(orm).replace(demoPult);
    const referenceData = new ReferenceDataService(orm);
    grpc = new OrdersGrpcHandler(new OrdersService(orm, referenceData)).implementation();
  });
  after(async () => {
    await orm?.close(true);
    await db?.drop();
  });

  test('stored with the line, read back, edited with history, summarised in the events', async () => {
    const created = await call('CreateOrder', {
      caller,
      order: ordersV1.orderToProto({
        site: 'pult',
        currency: 'RUB',
        customer: { firstName: 'Анна', phones: ['+79161234567'] },
        items: [
          {
            offerExternalId: 'lp-120',
            categories: ['turntables', 'vinyl', 'turntables'],
            name: 'Проигрыватель',
            quantity: 1,
            unitPrice: rub(3_499_000),
          },
          { name: 'Кабель', quantity: 2, unitPrice: rub(99_000) },
          { categories: ['cables', 'vinyl'], name: 'Щётка', quantity: 1, unitPrice: rub(90_000) },
        ],
      }),
    });
    const [player, cable, brush] = created.items!;
    assert.deepEqual(player.categories, ['turntables', 'vinyl'], 'repeats once');
    assert.equal(cable.categories, undefined, 'a line without categories has none');
    assert.deepEqual(brush.categories, ['cables', 'vinyl']);

    const read = await call('GetOrder', { caller, key: { id: created.id } });
    assert.deepEqual(read.items, created.items);

    // Lines are edited as a whole list: new categories on one, none on another.
    const edited = await call('UpdateOrder', {
      caller,
      key: { id: created.id },
      order: ordersV1.orderToProto({
        items: [{ ...player, categories: ['turntables', 'hi-fi'] }, cable, { ...brush, categories: [] }].map(
          ({ total: _total, ...line }) => line,
        ),
      }),
      updateMask: { paths: ['items'] },
    });
    assert.deepEqual(
      edited.items!.map((i) => i.categories),
      [['turntables', 'hi-fi'], undefined, undefined],
    );
    assert.deepEqual((await call('GetOrder', { caller, key: { id: created.id } })).items, edited.items);

    const history = await sql<{ field: string; old_value: unknown; new_value: unknown }>(
      'select field, old_value, new_value from order_history where order_id = ? and order_version = 2',
      [created.id],
    );
    const byField = (a: { field: string }, b: { field: string }) => (a.field < b.field ? -1 : 1);
    assert.deepEqual(
      history.sort(byField),
      [
        {
          field: `items[${player.id}].categories`,
          old_value: ['turntables', 'vinyl'],
          new_value: ['turntables', 'hi-fi'],
        },
        { field: `items[${brush.id}].categories`, old_value: ['cables', 'vinyl'], new_value: null },
      ].sort(byField),
    );

    const events = await sql<{ event_type: string; envelope: { payload: { order: OrderSummary } } }>(
      'select event_type, envelope from outbox_message where message_key = ? order by id',
      [created.id],
    );
    assert.deepEqual(
      events.map((e) => [e.event_type, e.envelope.payload.order.productCategories]),
      [
        ['order.created', ['turntables', 'vinyl', 'cables']],
        ['order.updated', ['turntables', 'hi-fi']],
      ],
    );
  });
});
