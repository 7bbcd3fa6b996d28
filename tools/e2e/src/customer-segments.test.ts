import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TOPICS, parseEvent, type EventEnvelope, type SegmentMembershipPayload } from '@openretail/contracts';
import { KafkaTransport, kafkaConfig, silentLogger, type MessageConsumer } from '@openretail/messaging';
import { loadConfig } from '@openretail/config';
import { startService, type RunningService } from '@openretail/service-runtime';
import { customersServiceDefinition } from '@openretail/svc-customers/dist/service';
import { ordersServiceDefinition } from '@openretail/svc-orders/dist/service';
import { demoPult } from '@openretail/svc-orders/dist/reference-data/demo-pult';
import { uniqueName, waitFor } from '@openretail/testing';
import { authHeaders, createTestPlatform, startGateway, type TestPlatform } from './platform';

interface Money {
  amountMinor: number;
  currency: string;
}
interface Customer {
  id: string;
  metrics: { ordersCount: number; cancellations: number; totalSpent?: Money; averageCheck?: Money };
}
interface Segment {
  code: string;
  version: number;
  membership: { state: string; members?: number };
}

/**
 * Segments kept current from order events, end to end: orders posted to the gateway reach the
 * customers service over Kafka, update the customer's metrics, and the customer enters a segment
 * (segment.entered published on the segment-events topic); a cancellation makes it leave.
 */
describe('customer segments from order events, over Kafka', () => {
  let platform: TestPlatform;
  let orders: RunningService;
  let customers: RunningService;
  let gateway: RunningService;
  let transport: KafkaTransport;
  let consumer: MessageConsumer;
  const published: EventEnvelope<SegmentMembershipPayload>[] = [];

  const call = async <T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(`http://127.0.0.1:${gateway.httpPort}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...authHeaders(undefined, headers),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const changesOf = (customerId: string) =>
    published
      .filter((e) => e.payload.customerId === customerId)
      .map((e) => `${e.type === 'segment.entered' ? '+' : '-'}${e.payload.segmentCode}:${e.payload.reason}`);

  before(async () => {
    platform = await createTestPlatform('segments', ['orders', 'customers', 'order-gateway']);
    orders = await startService(ordersServiceDefinition, { env: platform.env('orders') });
    const ordersUrl = `127.0.0.1:${orders.grpcPort}`;
    customers = await startService(customersServiceDefinition, {
      env: platform.env('customers', { ORDERS_GRPC_URL: ordersUrl, SEGMENTS_POLL_MS: '100' }),
    });
    gateway = await startGateway(
      platform.env('order-gateway', {
        ORDERS_GRPC_URL: ordersUrl,
        CUSTOMERS_GRPC_URL: `127.0.0.1:${customers.grpcPort}`,
      }),
    );
    assert.equal((await call('PUT', '/v1/reference-data', demoPult)).status, 200);
    const manager = await call('POST', '/v1/users', {
      login: 'seg.manager',
      name: 'M',
      groups: ['managers'],
    });
    assert.equal(manager.status, 201, JSON.stringify(manager.body));

    transport = new KafkaTransport({
      config: loadConfig(kafkaConfig, platform.env('test')),
      clientId: 'e2e-segments',
      logger: silentLogger,
    });
    consumer = transport.consumer({
      groupId: uniqueName('e2e-segment-events'),
      topics: [platform.prefix + TOPICS.segmentEvents.name],
    });
    await consumer.run(async (message) => {
      published.push(
        parseEvent(JSON.parse(message.value!.toString())) as EventEnvelope<SegmentMembershipPayload>,
      );
    });
  });

  after(async () => {
    await consumer?.stop();
    await transport?.close();
    for (const s of [gateway, customers, orders]) await s?.close();
    await platform?.close();
  });

  test('two orders make a customer loyal (segment.entered); cancelling one makes it leave (segment.left)', async () => {
    const anna = await call<Customer>('POST', '/v1/customers', {
      site: 'pult',
      firstName: 'Анна',
      phones: ['+79161230000'],
    });
    assert.equal(anna.status, 201, JSON.stringify(anna.body));
    const customerId = anna.body.id;

    const created = await call<Segment>('POST', '/v1/segments', {
      code: 'loyal',
      name: 'Постоянные',
      site: 'pult',
      filter: { ordersCount: { min: 2 }, totalSpent: { currency: 'RUB', min: 50_000_00 } },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await waitFor(
      async () => (await call<Segment>('GET', '/v1/segments/loyal')).body.membership.state === 'current',
      { message: 'the membership over the existing customers computed', timeoutMs: 15_000 },
    );
    assert.equal((await call<Segment>('GET', '/v1/segments/loyal')).body.membership.members, 0);

    const order = async () => {
      const res = await call<{ id: string }>('POST', '/v1/orders', {
        site: 'pult',
        currency: 'RUB',
        customer: { customerId, firstName: 'Анна', phones: ['+79161230000'] },
        items: [
          {
            offerExternalId: 'rx-v6a',
            name: 'AV-ресивер',
            quantity: 1,
            unitPrice: { amountMinor: 30_000_00, currency: 'RUB' },
          },
        ],
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id;
    };
    await order();
    const second = await order();

    await waitFor(() => changesOf(customerId).includes('+loyal:customer-changed'), {
      message: 'segment.entered published',
      timeoutMs: 20_000,
    });
    const metrics = (await call<Customer>('GET', `/v1/customers/${customerId}`)).body.metrics;
    assert.equal(metrics.ordersCount, 2);
    assert.deepEqual(metrics.totalSpent, { amountMinor: 60_000_00, currency: 'RUB' });
    assert.deepEqual(metrics.averageCheck, { amountMinor: 30_000_00, currency: 'RUB' });
    const segments = await call<{ segments: { code: string }[] }>(
      'GET',
      `/v1/customers/${customerId}/segments`,
    );
    assert.deepEqual(
      segments.body.segments.map((s) => s.code),
      ['loyal'],
    );
    const members = await call<{ members: { customerId: string }[] }>('GET', '/v1/segments/loyal/members');
    assert.deepEqual(
      members.body.members.map((m) => m.customerId),
      [customerId],
    );

    const cancelled = await call(
      'POST',
      `/v1/orders/${second}/status`,
      { status: 'cancelled-by-customer', cancelReason: 'found-cheaper' },
      { 'X-Acting-User': 'seg.manager' },
    );
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    await waitFor(() => changesOf(customerId).includes('-loyal:customer-changed'), {
      message: 'segment.left published',
      timeoutMs: 20_000,
    });
    assert.deepEqual(changesOf(customerId), ['+loyal:customer-changed', '-loyal:customer-changed']);
    const after = (await call<Customer>('GET', `/v1/customers/${customerId}`)).body.metrics;
    assert.deepEqual([after.ordersCount, after.cancellations], [1, 1]);
    assert.deepEqual(
      (await call<{ members: unknown[] }>('GET', '/v1/segments/loyal/members')).body.members,
      [],
    );
  });

  test("bought category: a line's categories put the buyer in; editing them away takes it out", async () => {
    const boris = await call<Customer>('POST', '/v1/customers', {
      site: 'pult',
      firstName: 'Борис',
      phones: ['+79161230001'],
    });
    assert.equal(boris.status, 201, JSON.stringify(boris.body));
    const customerId = boris.body.id;
    const segment = await call<Segment>('POST', '/v1/segments', {
      code: 'turntable-buyers',
      name: 'Купили проигрыватель',
      site: 'pult',
      filter: { boughtCategories: ['turntables'] },
    });
    assert.equal(segment.status, 201, JSON.stringify(segment.body));

    interface Line {
      id: string;
      categories?: string[];
      name: string;
      quantity: number;
      unitPrice: Money;
    }
    const created = await call<{ id: string; items: Line[] }>('POST', '/v1/orders', {
      site: 'pult',
      currency: 'RUB',
      customer: { customerId, firstName: 'Борис', phones: ['+79161230001'] },
      items: [
        {
          offerExternalId: 'lp-120',
          categories: ['turntables', 'vinyl'],
          name: 'Проигрыватель',
          quantity: 1,
          unitPrice: { amountMinor: 34_990_00, currency: 'RUB' },
        },
        { name: 'Кабель', quantity: 1, unitPrice: { amountMinor: 990_00, currency: 'RUB' } },
      ],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const [player, cable] = created.body.items;
    assert.deepEqual([player.categories, cable.categories], [['turntables', 'vinyl'], undefined]);
    const read = await call<{ items: Line[] }>('GET', `/v1/orders/${created.body.id}`);
    assert.deepEqual(read.body.items[0].categories, ['turntables', 'vinyl']);
    await waitFor(() => changesOf(customerId).includes('+turntable-buyers:customer-changed'), {
      message: 'segment.entered published',
      timeoutMs: 20_000,
    });

    const line = ({ id, name, quantity, unitPrice }: Line) => ({ id, name, quantity, unitPrice });
    const edited = await call<{ items: Line[] }>('PATCH', `/v1/orders/${created.body.id}`, {
      items: [
        { ...line(player), categories: ['vinyl'] },
        { ...line(cable), categories: ['cables'] },
      ],
    });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    assert.deepEqual(
      edited.body.items.map((i) => i.categories),
      [['vinyl'], ['cables']],
    );
    await waitFor(() => changesOf(customerId).includes('-turntable-buyers:customer-changed'), {
      message: 'segment.left published',
      timeoutMs: 20_000,
    });
    const history = await call<{ entries: { field: string; oldValue: unknown; newValue: unknown }[] }>(
      'GET',
      `/v1/orders/${created.body.id}/history`,
    );
    assert.deepEqual(
      history.body.entries.filter((e) => e.field.endsWith('.categories')).map((e) => [e.field, e.newValue]),
      [
        [`items[${cable.id}].categories`, ['cables']],
        [`items[${player.id}].categories`, ['vinyl']],
      ].sort(([a], [b]) => ((a as string) < (b as string) ? -1 : 1)),
    );
  });

  test('a bad filter is refused with every field named; the routes need their permissions', async () => {
    const bad = await call<{ error: { fields: { field: string }[] } }>('POST', '/v1/segments', {
      code: 'bad',
      name: 'Bad',
      filter: { ordersCount: { min: 3, max: 1 }, lastOrder: { withinDays: 0 }, colour: 'red' },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.error.fields.map((f) => f.field).sort(), [
      'filter.colour',
      'filter.lastOrder.withinDays',
      'filter.ordersCount.max',
    ]);
    const key = await call<{ secret: string }>('POST', '/v1/api-keys', {
      name: 'reader',
      permissions: ['segments:read'],
      sites: ['pult'],
    });
    assert.equal(key.status, 201, JSON.stringify(key.body));
    const asReader = (method: string, path: string, body?: unknown) =>
      fetch(`http://127.0.0.1:${gateway.httpPort}${path}`, {
        method,
        headers: { 'content-type': 'application/json', 'X-API-Key': key.body.secret },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    assert.equal((await asReader('GET', '/v1/segments/loyal')).status, 200);
    assert.equal(
      (await asReader('POST', '/v1/segments', { code: 'x', name: 'x', site: 'pult' })).status,
      403,
    );
  });
});
