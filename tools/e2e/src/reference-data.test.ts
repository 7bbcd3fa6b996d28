import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startService, type RunningService } from '@openretail/service-runtime';
import { demoPult } from '@openretail/svc-orders/dist/reference-data/demo-pult';
import { ordersServiceDefinition } from '@openretail/svc-orders/dist/service';
import { authHeaders, createTestPlatform, startGateway, type TestPlatform } from './platform';

interface DocumentJson {
  version: number;
  data: { sites: { code: string; orderNumberFormat: string; active: boolean }[] };
}
interface ErrorJson {
  error: { code: string; message: string; fields?: { field: string; reason: string }[] };
}

describe('reference data through the gateway', () => {
  let platform: TestPlatform;
  let orders: RunningService;
  let gateway: RunningService;
  const call = async <T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(`http://127.0.0.1:${gateway.httpPort}${path}`, {
      method,
      headers: authHeaders(
        undefined,
        body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      ),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const fieldsOf = (error: ErrorJson) =>
    Object.fromEntries((error.error.fields ?? []).map((f) => [f.field, f.reason]));
  const order = (over: Record<string, unknown> = {}) => ({
    site: 'pult',
    currency: 'RUB',
    customer: { firstName: 'Ирина', phones: ['+79161234567'] },
    items: [{ name: 'Наушники', quantity: 1, unitPrice: { amountMinor: 3499000, currency: 'RUB' } }],
    ...over,
  });

  before(async () => {
    platform = await createTestPlatform('refdata', ['orders', 'order-gateway']);
    orders = await startService(ordersServiceDefinition, { env: platform.env('orders') });
    gateway = await startGateway(
      platform.env('order-gateway', { ORDERS_GRPC_URL: `127.0.0.1:${orders.grpcPort}` }),
    );
  });
  after(async () => {
    for (const s of [gateway, orders]) await s?.close();
    await platform?.close();
  });

  test('before any reference data is saved, it is not found and orders are refused', async () => {
    assert.equal((await call('GET', '/v1/reference-data')).status, 404);
    const refused = await call<ErrorJson>('POST', '/v1/orders', order());
    assert.equal(refused.status, 422);
    assert.match(refused.body.error.message, /PUT \/v1\/reference-data/);
  });

  test('invalid reference data is refused with every field named', async () => {
    const broken = structuredClone(demoPult);
    broken.statuses[0].group = 'nope';
    broken.transitions[0].site = 'elsewhere';
    const res = await call<ErrorJson>('PUT', '/v1/reference-data', broken);
    assert.equal(res.status, 400);
    const fields = fieldsOf(res.body);
    assert.match(fields['statuses[0].group'], /unknown status group 'nope'/);
    assert.match(fields['transitions[0].site'], /unknown site 'elsewhere'/);
    assert.equal((await call('GET', '/v1/reference-data')).status, 404, 'nothing was stored');
  });

  test('a saved document is read back; If-Match guards against lost updates', async () => {
    const saved = await call<DocumentJson>('PUT', '/v1/reference-data', demoPult, { 'If-Match': '0' });
    assert.equal(saved.status, 200);
    assert.equal(saved.body.version, 1);
    const got = await call<DocumentJson>('GET', '/v1/reference-data');
    assert.equal(got.status, 200);
    assert.equal(got.body.version, 1);
    assert.deepEqual(
      got.body.data.sites.map((s) => [s.code, s.orderNumberFormat, s.active]),
      [
        ['pult', '{n}A', true],
        ['pult-opt', 'OPT-{n}', true],
      ],
    );

    const stale = await call<ErrorJson>('PUT', '/v1/reference-data', demoPult, { 'If-Match': '0' });
    assert.equal(stale.status, 409);
    assert.match(stale.body.error.message, /version 1/);
    const bad = await call<ErrorJson>('PUT', '/v1/reference-data', demoPult, { 'If-Match': 'latest' });
    assert.equal(bad.status, 400);
    assert.ok(fieldsOf(bad.body)['If-Match']);
    const next = await call<DocumentJson>('PUT', '/v1/reference-data', got.body.data, { 'If-Match': '"1"' });
    assert.equal(next.status, 200);
    assert.equal(next.body.version, 2);
  });

  test("orders are checked against the sites and numbered in the site's format", async () => {
    const unknown = await call<ErrorJson>('POST', '/v1/orders', order({ site: 'nowhere' }));
    assert.equal(unknown.status, 400);
    assert.equal(fieldsOf(unknown.body).site, "unknown site 'nowhere'");

    const currency = await call<ErrorJson>(
      'POST',
      '/v1/orders',
      order({
        currency: 'EUR',
        items: [{ name: 'x', quantity: 1, unitPrice: { amountMinor: 1, currency: 'EUR' } }],
      }),
    );
    assert.equal(currency.status, 400);
    assert.match(fieldsOf(currency.body).currency, /RUB/);

    const created = await call<{ number: string; status: string }>('POST', '/v1/orders', order());
    assert.equal(created.status, 201);
    assert.match(created.body.number, /^\d+A$/);
    assert.equal(created.body.status, 'new');
    const wholesale = await call<{ number: string }>('POST', '/v1/orders', order({ site: 'pult-opt' }));
    assert.match(wholesale.body.number, /^OPT-\d+$/);
  });
});
