// Tracing first: the HTTP instrumentation patches only modules loaded after it starts.
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanKind } from '@opentelemetry/api';
import { startTracing } from '@openretail/observability';
const exporter = new InMemorySpanExporter();
const spans = new SimpleSpanProcessor(exporter);
startTracing({ serviceName: 'e2e', spanProcessors: [spans] });

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import {
  OrderCreatedV1,
  TOPICS,
  newId,
  type EventEnvelope,
  type OrderCreatedPayload,
} from '@openretail/contracts';
import {
  KafkaTransport,
  kafkaConfig,
  partitionForKey,
  silentLogger,
  type MessageProducer,
} from '@openretail/messaging';
import { loadConfig } from '@openretail/config';
import { startService, type RunningService } from '@openretail/service-runtime';
import { waitFor } from '@openretail/testing';
import { ordersServiceDefinition } from '@openretail/svc-orders/dist/service';
import { demoPult } from '@openretail/svc-orders/dist/reference-data/demo-pult';
import { customersServiceDefinition } from '@openretail/svc-customers/dist/service';
import { authHeaders, createTestPlatform, startGateway, type TestPlatform } from './platform';

interface OrderJson {
  id: string;
  number: string;
  status: string;
  totals: { total: { amountMinor: number; currency: string } };
}
interface ErrorJson {
  error: { code: string; fields: { field: string; reason: string }[] };
}
const json = <T>(res: Response) => res.json() as Promise<T>;

describe('first flow: gateway → orders → Kafka → customers', () => {
  let platform: TestPlatform;
  let orders: RunningService;
  let customers: RunningService;
  let gateway: RunningService;
  let producer: MessageProducer;
  let transport: KafkaTransport;
  const sql = async (service: RunningService, text: string, params: unknown[] = []) => {
    const client = new Client({ connectionString: platform.env(service.name).DATABASE_URL });
    await client.connect();
    try {
      return (await client.query(text, params)).rows;
    } finally {
      await client.end();
    }
  };
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${gateway.httpPort}${path}`, {
      method: 'POST',
      headers: authHeaders(undefined, { 'content-type': 'application/json', ...headers }),
      body: JSON.stringify(body),
    });
  /** The order's link to its customer profile, with the profile's phone and email keys. */
  const linksOf = (orderId: string) =>
    sql(
      customers,
      `select l.customer_id, l.decision, c.phone_keys, c.email_keys from customer_order_links l
       join customers c on c.id = l.customer_id where l.order_id = $1`,
      [orderId],
    );

  before(async () => {
    platform = await createTestPlatform('flow', ['orders', 'customers', 'order-gateway']);
    orders = await startService(ordersServiceDefinition, { env: platform.env('orders') });
    // Customers reads the sites' phone regions from the reference data of orders.
    customers = await startService(customersServiceDefinition, {
      env: platform.env('customers', { ORDERS_GRPC_URL: `127.0.0.1:${orders.grpcPort}` }),
    });
    gateway = await startGateway(
      platform.env('order-gateway', { ORDERS_GRPC_URL: `127.0.0.1:${orders.grpcPort}` }),
    );
    // Orders are created against the installation's reference data: the demo shop's sites and statuses.
    const saved = await fetch(`http://127.0.0.1:${gateway.httpPort}/v1/reference-data`, {
      method: 'PUT',
      headers: authHeaders(undefined, { 'content-type': 'application/json' }),
      body: JSON.stringify(demoPult),
    });
    assert.equal(saved.status, 200, await saved.text());
    transport = new KafkaTransport({
      config: loadConfig(kafkaConfig, platform.env('test')),
      clientId: 'e2e',
      logger: silentLogger,
    });
    producer = transport.producer();
    await producer.connect();
  });

  after(async () => {
    await producer?.disconnect();
    await transport?.close();
    for (const s of [gateway, customers, orders]) await s?.close();
    await platform?.close();
  });

  const body = {
    site: 'pult',
    externalId: 'web-100500',
    currency: 'RUB',
    customer: {
      firstName: 'Мария',
      lastName: 'Иванова',
      phones: ['+79161234567'],
      email: 'Maria@Example.com',
    },
    items: [
      {
        offerExternalId: 'yamaha-rx-v6a',
        name: 'AV-ресивер Yamaha RX-V6A',
        quantity: 1,
        unitPrice: { amountMinor: 8999000, currency: 'RUB' },
      },
      { name: 'Кабель HDMI 2 м', quantity: 2, unitPrice: { amountMinor: 129000, currency: 'RUB' } },
    ],
  };

  test('an order posted to the gateway is stored once and its contact reaches customers once', async () => {
    const res = await post('/v1/orders', body, { 'Idempotency-Key': 'flow-1' });
    assert.equal(res.status, 201);
    const order = await json<OrderJson>(res);
    assert.deepEqual(
      order.totals.total,
      { amountMinor: 9257000, currency: 'RUB' },
      'the service computes the total',
    );
    assert.equal(order.status, 'new');
    assert.match(order.number, /^\d+A$/, "numbered in site pult's format");

    const retry = await post('/v1/orders', body, { 'Idempotency-Key': 'flow-1' });
    assert.equal(retry.status, 201);
    assert.equal((await json<OrderJson>(retry)).id, order.id, 'a retry returns the first order');
    assert.equal(
      (await sql(orders, 'select count(*)::int as n from orders where site = $1', ['pult']))[0].n,
      1,
    );

    const got = await fetch(`http://127.0.0.1:${gateway.httpPort}/v1/orders/${order.id}`, {
      headers: authHeaders(),
    });
    assert.equal(got.status, 200);
    assert.equal((await json<OrderJson>(got)).number, order.number);

    await waitFor(async () => (await linksOf(order.id)).length === 1, {
      message: 'order linked to a customer profile',
      timeoutMs: 15_000,
    });
    const [link] = await linksOf(order.id);
    assert.equal(link.decision, 'created');
    assert.deepEqual(link.email_keys, ['maria@example.com']);
    assert.deepEqual(link.phone_keys, ['+79161234567']);

    // Kafka delivers at least once: hand customers the very same event again.
    const [row] = await sql(
      orders,
      // Not the first row: the customer link soon adds an order.updated of the same order.
      "select envelope from outbox_message where envelope->>'aggregateId' = $1 and event_type = 'order.created'",
      [order.id],
    );
    const event = row.envelope as EventEnvelope<OrderCreatedPayload>;
    const topic = platform.prefix + TOPICS.orderEvents.name;
    await producer.send([
      { topic, key: order.id, value: JSON.stringify(event), headers: { 'event-id': event.id } },
    ]);
    // A later event on the same partition proves the duplicate before it was consumed.
    const partition = partitionForKey(order.id, TOPICS.orderEvents.partitions);
    let markerId = newId();
    while (partitionForKey(markerId, TOPICS.orderEvents.partitions) !== partition) markerId = newId();
    const marker = OrderCreatedV1.create(
      { ...event.payload, orderId: markerId, number: 'marker', externalId: undefined },
      { source: 'e2e', aggregateId: markerId },
    );
    await producer.send([{ topic, key: markerId, value: JSON.stringify(marker), headers: {} }]);
    await waitFor(async () => (await linksOf(markerId)).length === 1, {
      message: 'marker consumed',
      timeoutMs: 15_000,
    });
    assert.equal((await linksOf(order.id)).length, 1, 'the redelivered event had no second effect');
    const profiles = await sql(
      customers,
      `select count(*)::int as n from customers where phone_keys @> '{+79161234567}'`,
    );
    assert.equal(profiles[0].n, 1, 'one profile for the customer of both orders');
  });

  test('concurrent duplicates make one order; a reused key or externalId with other content is a conflict', async () => {
    const request = { ...body, externalId: 'web-race' };
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => post('/v1/orders', request, { 'Idempotency-Key': 'race-1' })),
    );
    assert.deepEqual(
      answers.map((a) => a.status),
      Array(8).fill(201),
    );
    const ids = new Set(await Promise.all(answers.map(async (a) => (await json<OrderJson>(a)).id)));
    assert.equal(ids.size, 1, 'every duplicate got the same order');
    assert.equal(
      (await sql(orders, 'select count(*)::int as n from orders where external_id = $1', ['web-race']))[0].n,
      1,
    );

    const otherContent = { ...request, items: [{ ...body.items[0], quantity: 5 }] };
    const reusedKey = await post('/v1/orders', otherContent, { 'Idempotency-Key': 'race-1' });
    assert.equal(reusedKey.status, 409);
    assert.match(
      (await json<ErrorJson & { error: { message: string } }>(reusedKey)).error.message,
      /idempotency key/,
    );
    const reusedExternalId = await post('/v1/orders', otherContent, { 'Idempotency-Key': 'race-2' });
    assert.equal(reusedExternalId.status, 409);
    assert.match(
      (await json<ErrorJson & { error: { message: string } }>(reusedExternalId)).error.message,
      /externalId web-race/,
    );
  });

  test('one trace links the HTTP request, the gRPC call, the publish and the consumption', async () => {
    const res = await post('/v1/orders', { ...body, externalId: 'web-100501' });
    assert.equal(res.status, 201);
    const order = await json<OrderJson>(res);
    await waitFor(async () => (await linksOf(order.id)).length === 1, {
      message: 'order linked to a customer profile',
      timeoutMs: 15_000,
    });

    const all = (): ReadableSpan[] => exporter.getFinishedSpans();
    const server = () =>
      all().find(
        (s) =>
          s.kind === SpanKind.SERVER &&
          s.attributes['http.method'] === 'POST' &&
          /\/v1\/orders/.test(String(s.attributes['http.target'] ?? s.attributes['url.path'] ?? s.name)),
      );
    const inTrace = () => all().filter((s) => s.spanContext().traceId === server()?.spanContext().traceId);
    const consumedBy = (group: string) =>
      inTrace().filter(
        (s) =>
          s.kind === SpanKind.CONSUMER &&
          s.attributes['messaging.consumer.group.name'] === platform.prefix + group,
      );
    // The whole chain: the order's creation consumed by customers, whose link orders consumes.
    await waitFor(
      async () => {
        await spans.forceFlush();
        return !!server() && consumedBy('orders.customer-links').length > 0;
      },
      { message: 'the whole trace exported', timeoutMs: 15_000 },
    );

    const trace = inTrace();
    const kinds = (kind: SpanKind, name: RegExp) => trace.filter((s) => s.kind === kind && name.test(s.name));
    const parentOf = (span: ReadableSpan) =>
      trace.find((s) => s.spanContext().spanId === span.parentSpanContext?.spanId);
    assert.equal(kinds(SpanKind.CLIENT, /OrdersService\/CreateOrder/).length, 1, 'gRPC client span');
    assert.equal(kinds(SpanKind.SERVER, /OrdersService\/CreateOrder/).length, 1, 'gRPC server span');
    const [resolution] = consumedBy('customers.order-contacts');
    assert.equal(consumedBy('customers.order-contacts').length, 1, 'one consume span of identity resolution');
    assert.match(resolution.name, /order-events\.v1 process/);
    const created = parentOf(resolution);
    assert.ok(created, 'consume follows produce');
    assert.equal(created.kind, SpanKind.PRODUCER);
    assert.match(created.name, /order-events\.v1 publish/);
    // The link goes on in the same trace: customers publishes customer.order-linked, orders applies it.
    const [applied] = consumedBy('orders.customer-links');
    assert.match(applied.name, /customer-events\.v1 process/);
    assert.match(parentOf(applied)?.name ?? '', /customer-events\.v1 publish/);
  });

  test('bad input is refused with every offending field named, and nothing is stored', async () => {
    const before = (await sql(orders, 'select count(*)::int as n from orders'))[0].n;
    const res = await post('/v1/orders', {
      ...body,
      externalId: 'web-bad',
      items: [{ name: '', quantity: 0, unitPrice: { amountMinor: 100, currency: 'USD' } }],
    });
    assert.equal(res.status, 400);
    const error = (await json<ErrorJson>(res)).error;
    assert.equal(error.code, 'validation_failed');
    const fields = Object.fromEntries(error.fields.map((f) => [f.field, f.reason]));
    assert.match(fields['items[0].name'], /required/);
    assert.match(fields['items[0].quantity'], /at least 1/);
    assert.match(fields['items[0].unitPrice.currency'], /order currency RUB/);
    const shape = await post('/v1/orders', { site: 'pult', items: 'many', colour: 'red' });
    assert.equal(shape.status, 400);
    const shapeFields = (await json<ErrorJson>(shape)).error.fields.map((f) => f.field);
    assert.ok(shapeFields.includes('currency') && shapeFields.includes('items'), JSON.stringify(shapeFields));
    assert.equal((await sql(orders, 'select count(*)::int as n from orders'))[0].n, before);
  });
});
