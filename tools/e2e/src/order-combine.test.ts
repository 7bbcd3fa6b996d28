import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startService, type RunningService } from '@openretail/service-runtime';
import { ordersServiceDefinition } from '@openretail/svc-orders/dist/service';
import { demoPult } from '@openretail/svc-orders/dist/reference-data/demo-pult';
import { authHeaders, createTestPlatform, startGateway, type TestPlatform } from './platform';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const rub = (amountMinor: number) => ({ amountMinor, currency: 'RUB' });
const newOrder = (items: Json[], payments: Json[] = []) => ({
  site: 'pult',
  currency: 'RUB',
  customer: { firstName: 'Мария', phones: ['+79161234567'] },
  items,
  payments,
});
const cable = (quantity: number) => ({
  offerExternalId: 'cable',
  name: 'Кабель',
  quantity,
  unitPrice: rub(120_000),
});

/**
 * The native API of the combine command, payment ids and the API key of history entries, through
 * the gateway and the orders service over real PostgreSQL and Kafka.
 */
describe('combine, payment ids and history keys through the native API', () => {
  let platform: TestPlatform;
  let orders: RunningService;
  let gateway: RunningService;

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`http://127.0.0.1:${gateway.httpPort}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...authHeaders(undefined, headers),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const asManager = { 'X-Acting-User': 'anna.manager' };
  const create = async (items: Json[], payments: Json[] = []) => {
    const res = await call('POST', '/v1/orders', newOrder(items, payments));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  };

  before(async () => {
    platform = await createTestPlatform('combine', ['orders', 'order-gateway']);
    orders = await startService(ordersServiceDefinition, { env: platform.env('orders') });
    gateway = await startGateway(
      platform.env('order-gateway', { ORDERS_GRPC_URL: `127.0.0.1:${orders.grpcPort}` }),
    );
    assert.equal((await call('PUT', '/v1/reference-data', demoPult)).status, 200);
    const user = await call('POST', '/v1/users', {
      login: 'anna.manager',
      name: 'Анна',
      groups: ['managers'],
    });
    assert.equal(user.status, 201, JSON.stringify(user.body));
  });

  after(async () => {
    for (const s of [gateway, orders]) await s?.close();
    await platform?.close();
  });

  test('POST /v1/orders/{id}/combine: lines by the technique, payments moved, the order cancelled; history and refusals', async () => {
    const into = await create([cable(2)]);
    const other = await create(
      [cable(1), { name: 'Стойка', quantity: 1, unitPrice: rub(500_000) }],
      [{ type: 'cash', status: 'not-paid', amount: rub(10_000), externalId: 'deposit-1' }],
    );
    const path = `/v1/orders/${other.id}/combine`;
    const res = await call('POST', path, { into: into.id, technique: 'summ' }, asManager);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      (res.body.result.items as Json[]).map((i) => [i.name, i.quantity]),
      [
        ['Кабель', 3],
        ['Стойка', 1],
      ],
    );
    assert.deepEqual(res.body.result.payments, other.payments);
    assert.equal(res.body.result.totals.total.amountMinor, 3 * 120_000 + 500_000);
    assert.deepEqual(
      [res.body.combined.status, res.body.combined.cancelReason, res.body.combined.combinedInto],
      ['cancelled-other', 'duplicate', into.id],
    );
    // Repeated: the same answer; the combined order changes no more (422).
    const again = await call('POST', path, { into: into.id, technique: 'summ' }, asManager);
    assert.deepEqual([again.status, again.body.result.version], [200, 2]);
    const edit = await call('PATCH', `/v1/orders/${other.id}`, { managerComment: 'x' }, asManager);
    assert.equal(edit.status, 422, JSON.stringify(edit.body));

    // History names the key of each change, and the orders a combine joined.
    const me = await call('GET', '/v1/me');
    const history = await call('GET', `/v1/orders/${into.id}/history`);
    const entries = history.body.entries as Json[];
    assert.ok(
      entries.every((e) => e.apiKeyId === me.body.keyId),
      JSON.stringify(entries),
    );
    const from = entries.find((e) => e.field === 'combinedFrom');
    assert.deepEqual([from?.oldValue, from?.newValue, from?.source], [null, other.id, 'manager']);

    // Refusals: the body by field, the state of the orders, the permissions of the key.
    const third = await create([cable(1)]);
    const bad = await call('POST', `/v1/orders/${third.id}/combine`, { technique: 'both' }, asManager);
    assert.equal(bad.status, 400);
    assert.deepEqual((bad.body.error.fields as Json[]).map((f) => f.field).sort(), ['into', 'technique']);
    const intoCancelled = await call('POST', `/v1/orders/${third.id}/combine`, { into: other.id }, asManager);
    assert.equal(intoCancelled.status, 422, JSON.stringify(intoCancelled.body));
    assert.match(intoCancelled.body.error.message, /was combined into order/);
    const unknown = await call(
      'POST',
      `/v1/orders/${third.id}/combine`,
      { into: '0195a1b2-0000-7000-8000-00000000ffff' },
      asManager,
    );
    assert.equal(unknown.status, 404);
    const apiOnly = await call('POST', `/v1/orders/${third.id}/combine`, { into: into.id });
    assert.equal(
      apiOnly.status,
      403,
      'the matrix lets only managers and the call centre cancel on this site',
    );
    const key = await call('POST', '/v1/api-keys', {
      name: 'no status',
      permissions: ['orders:read', 'orders:write'],
      sites: 'all',
    });
    const noStatus = await call(
      'POST',
      `/v1/orders/${third.id}/combine`,
      { into: into.id },
      { 'X-API-Key': key.body.secret },
    );
    assert.equal(noStatus.status, 403);
    assert.match(noStatus.body.error.message, /orders:status/);
  });

  test('payments: a numeric id of their own, an externalId unique in its order, editable', async () => {
    const order = await create([cable(1)]);
    const added = await call('POST', `/v1/orders/${order.id}/payments`, {
      type: 'cash',
      status: 'not-paid',
      amount: rub(5_000),
      externalId: 'cms-1',
    });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    const [payment] = added.body.payments as Json[];
    assert.ok(Number.isSafeInteger(payment.numericId) && payment.numericId > 0);
    assert.equal(payment.externalId, 'cms-1');
    const twice = await call('POST', `/v1/orders/${order.id}/payments`, {
      type: 'cash',
      status: 'not-paid',
      amount: rub(1),
      externalId: 'cms-1',
    });
    assert.equal(twice.status, 400);
    assert.deepEqual(twice.body.error.fields, [
      {
        field: 'payment.externalId',
        reason: `order ${order.number} already has a payment with externalId 'cms-1'`,
      },
    ]);
    const renamed = await call('PATCH', `/v1/orders/${order.id}/payments/${payment.id}`, {
      externalId: 'cms-2',
    });
    assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
    assert.deepEqual(renamed.body.payments, [{ ...payment, externalId: 'cms-2' }]);
    const cleared = await call('PATCH', `/v1/orders/${order.id}/payments/${payment.id}`, {
      externalId: null,
    });
    assert.equal(cleared.body.payments[0].externalId, undefined);
    assert.equal(cleared.body.payments[0].numericId, payment.numericId);
  });
});
