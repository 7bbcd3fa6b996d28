import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { startService, type RunningService } from '@openretail/service-runtime';
import { ordersServiceDefinition } from '@openretail/svc-orders/dist/service';
import { demoPult } from '@openretail/svc-orders/dist/reference-data/demo-pult';
import { authHeaders, createTestPlatform, startGateway, type TestPlatform } from './platform';

interface Order {
  id: string;
  number: string;
  site: string;
  status: string;
  statusGroup: string;
  cancelReason?: string;
  version: number;
  items: { id: string; quantity: number; total: { amountMinor: number } }[];
  payments: { id: string; status: string }[];
  delivery?: { date?: string; address?: string };
  totals: { total: { amountMinor: number }; paid: { amountMinor: number }; due: { amountMinor: number } };
}
interface ErrorBody {
  error: { code: string; message: string; fields?: { field: string; reason: string }[] };
}
interface HistoryPage {
  entries: {
    id: number;
    orderId: string;
    site: string;
    field: string;
    oldValue: unknown;
    newValue: unknown;
    userId?: string;
  }[];
  lastId: number;
}

const rub = (amountMinor: number) => ({ amountMinor, currency: 'RUB' });
const newOrder = (over: Record<string, unknown> = {}) => ({
  site: 'pult',
  currency: 'RUB',
  orderMethod: 'cart',
  customer: { firstName: 'Мария', phones: ['+79161234567'], email: 'maria@example.com' },
  items: [{ offerExternalId: 'denon-x1800', name: 'Ресивер Denon', quantity: 1, unitPrice: rub(4_999_000) }],
  delivery: { type: 'courier', address: 'Москва, Тверская 1', cost: rub(50_000) },
  ...over,
});

/**
 * The order process through the public API, over real PostgreSQL and Kafka: idempotent creation,
 * the status matrix by user group, cancel reasons, read-only fields, payments and the mark-paid
 * right, the dry run, history with a cursor, and site scoping of keys.
 */
describe('order process through the gateway', () => {
  let platform: TestPlatform;
  let orders: RunningService;
  let gateway: RunningService;
  let wholesaleKey: string;

  const call = async <T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: T }> => {
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
  const as = (login: string, extra: Record<string, string> = {}) => ({ 'X-Acting-User': login, ...extra });
  const create = async (over: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
    const res = await call<Order>('POST', '/v1/orders', newOrder(over), headers);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  };
  const outboxTypes = async (orderId: string) => {
    const db = new Client({ connectionString: platform.env('orders').DATABASE_URL });
    await db.connect();
    try {
      const { rows } = await db.query<{ event_type: string }>(
        'select event_type from outbox_message where message_key = $1 order by id',
        [orderId],
      );
      return rows.map((r) => r.event_type);
    } finally {
      await db.end();
    }
  };

  before(async () => {
    platform = await createTestPlatform('process', ['orders', 'order-gateway']);
    orders = await startService(ordersServiceDefinition, { env: platform.env('orders') });
    gateway = await startGateway(
      platform.env('order-gateway', { ORDERS_GRPC_URL: `127.0.0.1:${orders.grpcPort}` }),
    );
    assert.equal((await call('PUT', '/v1/reference-data', demoPult)).status, 200);
    for (const [login, groups] of [
      ['anna.manager', ['managers']],
      ['ivan.callcentre', ['call-centre']],
      ['olga.accounting', ['accounting']],
      ['petr.logistics', ['logistics']],
    ] as const) {
      const res = await call('POST', '/v1/users', { login, name: login, groups });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    const key = await call<{ secret: string }>('POST', '/v1/api-keys', {
      name: 'wholesale storefront',
      permissions: ['orders:read', 'orders:write'],
      sites: ['pult-opt'],
    });
    assert.equal(key.status, 201, JSON.stringify(key.body));
    wholesaleKey = key.body.secret;
  });

  after(async () => {
    for (const s of [gateway, orders]) await s?.close();
    await platform?.close();
  });

  test('create computes the totals; a retry with the same key is the same order; other content is 409', async () => {
    const first = await create({ externalId: 'web-1' }, { 'Idempotency-Key': 'create-1' });
    assert.equal(first.status, 'new');
    assert.equal(first.statusGroup, 'new');
    assert.equal(first.version, 1);
    assert.equal(first.totals.total.amountMinor, 5_049_000);
    const again = await create({ externalId: 'web-1' }, { 'Idempotency-Key': 'create-1' });
    assert.equal(again.id, first.id);
    const other = await call<ErrorBody>(
      'POST',
      '/v1/orders',
      newOrder({ externalId: 'web-1', orderMethod: 'phone' }),
      {
        'Idempotency-Key': 'create-1',
      },
    );
    assert.equal(other.status, 409);
    const byExternal = await call<Order>('GET', '/v1/orders/by-external-id/pult/web-1');
    assert.equal(byExternal.body.id, first.id);
  });

  test('concurrent duplicates make one order', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => create({ externalId: 'web-race' }, { 'Idempotency-Key': 'race-1' })),
    );
    assert.equal(new Set(results.map((o) => o.id)).size, 1);
  });

  test('bad input names every field', async () => {
    const res = await call<ErrorBody>('POST', '/v1/orders', {
      ...newOrder(),
      currency: 'rub',
      items: [{ name: '', quantity: 0, unitPrice: rub(1) }],
      orderType: 'no-such-type',
    });
    assert.equal(res.status, 400);
    const fields = res.body.error.fields!.map((f) => f.field).sort();
    assert.deepEqual(fields, ['currency', 'items[0].name', 'items[0].quantity']);
    const unknownCode = await call<ErrorBody>('POST', '/v1/orders', newOrder({ orderType: 'no-such-type' }));
    assert.equal(unknownCode.status, 400);
    assert.deepEqual(unknownCode.body.error.fields, [
      { field: 'orderType', reason: "unknown order type 'no-such-type'" },
    ]);
  });

  test('status changes only along the matrix and only by the groups allowed to', async () => {
    const order = await create();
    const path = `/v1/orders/${order.id}/status`;
    const forbidden = await call<ErrorBody>(
      'POST',
      path,
      { status: 'availability-check' },
      as('petr.logistics'),
    );
    assert.equal(forbidden.status, 403, JSON.stringify(forbidden.body));
    const against = await call<ErrorBody>('POST', path, { status: 'complete' }, as('anna.manager'));
    assert.equal(against.status, 422);
    assert.match(against.body.error.message, /no transition from 'new' to 'complete'/);
    const along = await call<Order>('POST', path, { status: 'availability-check' }, as('anna.manager'));
    assert.equal(along.status, 200, JSON.stringify(along.body));
    assert.equal(along.body.status, 'availability-check');
    assert.equal(along.body.version, 2);
    assert.deepEqual(await outboxTypes(order.id), ['order.created', 'order.status-changed']);
  });

  test('cancelling needs a cancel reason from the dictionary', async () => {
    const order = await create();
    const path = `/v1/orders/${order.id}/status`;
    const without = await call<ErrorBody>(
      'POST',
      path,
      { status: 'cancelled-by-customer' },
      as('anna.manager'),
    );
    assert.equal(without.status, 400);
    assert.deepEqual(without.body.error.fields, [
      { field: 'cancelReason', reason: 'is required when cancelling' },
    ]);
    const unknown = await call<ErrorBody>(
      'POST',
      path,
      { status: 'cancelled-by-customer', cancelReason: 'bored' },
      as('anna.manager'),
    );
    assert.equal(unknown.status, 400);
    const ok = await call<Order>(
      'POST',
      path,
      { status: 'cancelled-by-customer', cancelReason: 'found-cheaper' },
      as('anna.manager'),
    );
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.statusGroup, 'cancel');
    assert.equal(ok.body.cancelReason, 'found-cheaper');
    assert.deepEqual(await outboxTypes(order.id), [
      'order.created',
      'order.status-changed',
      'order.cancelled',
    ]);
  });

  test('a read-only field cannot be edited by other groups; If-Match guards concurrent edits', async () => {
    const order = await create({ delivery: { type: 'courier', address: 'Москва', date: '2026-12-01' } });
    const path = `/v1/orders/${order.id}`;
    const byCallCentre = await call<ErrorBody>(
      'PATCH',
      path,
      { delivery: { date: '2026-12-05' } },
      as('ivan.callcentre'),
    );
    assert.equal(byCallCentre.status, 400, JSON.stringify(byCallCentre.body));
    assert.equal(byCallCentre.body.error.fields![0].field, 'delivery.date');
    const byLogistics = await call<Order>(
      'PATCH',
      path,
      { delivery: { date: '2026-12-05' } },
      as('petr.logistics'),
    );
    assert.equal(byLogistics.status, 200, JSON.stringify(byLogistics.body));
    assert.equal(byLogistics.body.delivery?.date, '2026-12-05');
    assert.equal(byLogistics.body.delivery?.address, 'Москва', 'a merge patch keeps the other members');
    const stale = await call<ErrorBody>('PATCH', path, { managerComment: 'x' }, { 'If-Match': '"1"' });
    assert.equal(stale.status, 409);
    const status = await call<ErrorBody>('PATCH', path, { status: 'complete' });
    assert.equal(status.status, 400);
    assert.equal(status.body.error.fields![0].field, 'status');
  });

  test('payments: marking paid needs the right and, on this site, accounting', async () => {
    const order = await create();
    const added = await call<Order>(
      'POST',
      `/v1/orders/${order.id}/payments`,
      { type: 'bank-transfer', status: 'invoice', amount: rub(5_049_000) },
      as('anna.manager'),
    );
    assert.equal(added.status, 201, JSON.stringify(added.body));
    const paymentId = added.body.payments[0].id;
    const path = `/v1/orders/${order.id}/payments/${paymentId}`;
    const byManager = await call<ErrorBody>('PATCH', path, { status: 'paid' }, as('anna.manager'));
    assert.equal(byManager.status, 422);
    assert.match(byManager.body.error.message, /Only accounting may mark an order paid/);
    const byAccounting = await call<Order>('PATCH', path, { status: 'paid' }, as('olga.accounting'));
    assert.equal(byAccounting.status, 200, JSON.stringify(byAccounting.body));
    assert.equal(byAccounting.body.totals.due.amountMinor, 0);
  });

  test('the dry run says whether a change would pass, and why not', async () => {
    const legal = newOrder({
      contragent: { type: 'legal-entity', legalName: 'ООО Звук', inn: '7701234567' },
      payments: [{ type: 'card-online', status: 'not-paid', amount: rub(5_049_000) }],
    });
    const res = await call<{ allowed: boolean; violations: { rule: string; reason: string }[] }>(
      'POST',
      '/v1/orders/dry-run',
      legal,
    );
    assert.equal(res.status, 200);
    assert.equal(res.body.allowed, false);
    assert.deepEqual(
      res.body.violations.map((v) => v.rule),
      ['legal-entity-no-card'],
    );
    const order = await create();
    const ok = await call<{ allowed: boolean; order: Order }>(
      'POST',
      `/v1/orders/${order.id}/dry-run`,
      { status: { status: 'availability-check' } },
      as('anna.manager'),
    );
    assert.equal(ok.body.allowed, true);
    assert.equal(ok.body.order.status, 'availability-check');
    const unchanged = await call<Order>('GET', `/v1/orders/${order.id}`);
    assert.equal(unchanged.body.status, 'new', 'a dry run changes nothing');
  });

  test('history is read with a cursor: entries after id N', async () => {
    const start = await call<HistoryPage>('GET', '/v1/orders/history?afterId=0&limit=1000');
    const cursor = start.body.lastId;
    const order = await create();
    await call(
      'PATCH',
      `/v1/orders/${order.id}`,
      { managerComment: 'Позвонить после 18:00' },
      as('anna.manager'),
    );
    const page = await call<HistoryPage>('GET', `/v1/orders/history?afterId=${cursor}`);
    assert.deepEqual(
      page.body.entries.filter((e) => e.orderId === order.id).map((e) => e.field),
      ['created', 'managerComment'],
    );
    const edit = page.body.entries.find((e) => e.field === 'managerComment')!;
    assert.equal(edit.newValue, 'Позвонить после 18:00');
    assert.ok(edit.userId, 'the acting user is recorded');
    const next = await call<HistoryPage>('GET', `/v1/orders/history?afterId=${page.body.lastId}`);
    assert.deepEqual(next.body.entries, []);
    const own = await call<HistoryPage>('GET', `/v1/orders/${order.id}/history`);
    assert.equal(own.body.entries.length, 2);
  });

  test("a key for one site can neither read nor write another site's orders", async () => {
    const before = await call<HistoryPage>('GET', '/v1/orders/history?afterId=0&limit=1000');
    const retail = await create();
    const read = await call<ErrorBody>('GET', `/v1/orders/${retail.id}`, undefined, {
      'X-API-Key': wholesaleKey,
    });
    assert.equal(read.status, 404);
    const write = await call<ErrorBody>('POST', '/v1/orders', newOrder(), { 'X-API-Key': wholesaleKey });
    assert.equal(write.status, 403);
    const edit = await call<ErrorBody>(
      'PATCH',
      `/v1/orders/${retail.id}`,
      { managerComment: 'x' },
      {
        'X-API-Key': wholesaleKey,
      },
    );
    assert.equal(edit.status, 404);
    const list = await call<{ orders: Order[] }>('GET', '/v1/orders', undefined, {
      'X-API-Key': wholesaleKey,
    });
    assert.ok(list.body.orders.every((o) => o.site === 'pult-opt'));
    const own = await call<Order>(
      'POST',
      '/v1/orders',
      newOrder({ site: 'pult-opt', orderMethod: undefined }),
      {
        'X-API-Key': wholesaleKey,
      },
    );
    assert.equal(own.status, 201, JSON.stringify(own.body));
    // The other site's fresh entries are no gap to wait for: its history shows its own order at once.
    const history = await call<HistoryPage>(
      'GET',
      `/v1/orders/history?afterId=${before.body.lastId}`,
      undefined,
      { 'X-API-Key': wholesaleKey },
    );
    assert.ok(history.body.entries.every((e) => e.site === 'pult-opt'));
    assert.ok(history.body.entries.some((e) => e.orderId === (own.body as Order).id));
  });

  test('lists filter and page without repeating an order', async () => {
    const seen = new Set<string>();
    let token: string | undefined;
    do {
      const page = await call<{ orders: Order[]; nextPageToken?: string }>(
        'GET',
        `/v1/orders?site=pult&pageSize=3${token ? `&pageToken=${token}` : ''}`,
      );
      assert.equal(page.status, 200);
      for (const o of page.body.orders) {
        assert.ok(!seen.has(o.id));
        seen.add(o.id);
      }
      token = page.body.nextPageToken;
    } while (token);
    assert.ok(seen.size >= 8);
    const bad = await call<ErrorBody>('GET', '/v1/orders?pageSize=1000');
    assert.equal(bad.status, 400);
    const overdue = await call<{ orders: Order[] }>('GET', '/v1/orders/overdue?site=pult');
    assert.equal(overdue.status, 200);
  });
});
