import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startService, type RunningService } from '@openretail/service-runtime';
import { ordersServiceDefinition } from '@openretail/svc-orders/dist/service';
import { demoPult } from '@openretail/svc-orders/dist/reference-data/demo-pult';
import { authHeaders, createTestPlatform, startGateway, TEST_ADMIN_KEY, type TestPlatform } from './platform';
import { CRM_DATE_TIME as MOSCOW_TIME, form, httpBuildQuery, multipart, type Json } from './retailcrm-client';

/**
 * The RetailCRM API v5 layer through the real gateway, orders service, PostgreSQL and Kafka. The
 * requests are built the way the official clients build them (read from their source: PHP's
 * http_build_query with indexed brackets for GET filters, JSON-encoded entities in POST forms, the
 * v5 PHP client's multipart body carrying apiKey, Python's `filter[ids][]`), and every answer is
 * checked member by member against the documented shapes.
 */

describe('RetailCRM API v5 through the gateway', () => {
  let platform: TestPlatform;
  let orders: RunningService;
  let gateway: RunningService;
  /** A key for site pult bound to a manager, as a CMS module of that shop would have. */
  let shopKey: string;

  const url = (path: string) => `http://127.0.0.1:${gateway.httpPort}${path}`;
  const answer = async (res: Response) => ({ status: res.status, body: (await res.json()) as Json });
  const get = async (path: string, query: Json = {}, key = shopKey) =>
    answer(
      await fetch(url(`${path}${Object.keys(query).length ? `?${httpBuildQuery(query).join('&')}` : ''}`), {
        headers: { 'X-API-KEY': key },
      }),
    );
  const post = async (path: string, fields: Json, key = shopKey) =>
    answer(
      await fetch(url(path), {
        method: 'POST',
        headers: { 'X-API-KEY': key, 'content-type': 'application/x-www-form-urlencoded' },
        body: form(fields),
      }),
    );
  const native = async (method: string, path: string, body?: unknown) =>
    answer(
      await fetch(url(path), {
        method,
        headers: { ...authHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );

  /** The id of the newest history entry, following the cursor as an integration does. */
  const lastHistoryId = async () => {
    let sinceId = 0;
    for (;;) {
      const page = (await get('/api/v5/orders/history', { filter: { sinceId }, limit: 100 })).body
        .history as Json[];
      if (page.length === 0) return sinceId;
      sinceId = page[page.length - 1].id as number;
    }
  };

  const crmOrder = (externalId: string, over: Json = {}) => ({
    externalId,
    firstName: 'Анна',
    lastName: 'Смирнова',
    phone: '+79161234567',
    additionalPhone: '+79031112233',
    email: 'anna@example.com',
    orderMethod: 'cart',
    customerComment: 'Позвоните за час',
    items: [
      {
        offer: { externalId: 'denon-x1800' },
        productName: 'Ресивер Denon',
        initialPrice: 49990.9,
        quantity: 1,
      },
      {
        offer: { externalId: 'cable-3m' },
        productName: 'Кабель 3 м',
        initialPrice: '1200.10',
        quantity: 3,
        discountManualAmount: 100.05,
      },
    ],
    delivery: { code: 'courier', cost: 500, address: { city: 'Москва', street: 'Тверская', building: '1' } },
    ...over,
  });

  before(async () => {
    platform = await createTestPlatform('retailcrm', ['orders', 'order-gateway']);
    orders = await startService(ordersServiceDefinition, { env: platform.env('orders') });
    gateway = await startGateway(
      platform.env('order-gateway', { ORDERS_GRPC_URL: `127.0.0.1:${orders.grpcPort}` }),
    );
    assert.equal((await native('PUT', '/v1/reference-data', demoPult)).status, 200);
    const user = await native('POST', '/v1/users', {
      login: 'shop.manager',
      name: 'Анна Менеджер',
      groups: ['managers'],
    });
    assert.equal(user.status, 201, JSON.stringify(user.body));
    const key = await native('POST', '/v1/api-keys', {
      name: 'cms module',
      permissions: ['orders:read', 'orders:write', 'orders:status', 'orders:payments', 'reference-data:read'],
      sites: ['pult'],
      userId: user.body.id,
    });
    assert.equal(key.status, 201, JSON.stringify(key.body));
    shopKey = key.body.secret as string;
  });

  after(async () => {
    for (const s of [gateway, orders]) await s?.close();
    await platform?.close();
  });

  test('api-versions and credentials; a missing or wrong key is answered as RetailCRM does', async () => {
    assert.deepEqual((await get('/api/api-versions')).body, { success: true, versions: ['5.0'] });
    const credentials = await get('/api/credentials');
    assert.equal(credentials.status, 200);
    assert.equal(credentials.body.success, true);
    assert.equal(credentials.body.siteAccess, 'access_selective');
    assert.deepEqual(credentials.body.sitesAvailable, ['pult']);
    assert.deepEqual(
      [...credentials.body.scopes].sort(),
      ['order_read', 'order_write', 'payments_write', 'reference_read', 'custom_fields_read'].sort(),
    );
    const missing = await answer(await fetch(url('/api/v5/orders')));
    assert.deepEqual(missing, { status: 403, body: { success: false, errorMsg: '"apiKey" is missing.' } });
    const wrong = await get('/api/v5/orders', {}, 'ork_NotAKey0000000000000000000000000000000');
    assert.deepEqual(wrong, { status: 403, body: { success: false, errorMsg: 'Wrong "apiKey" value.' } });
    // The apiKey query parameter works as the header does.
    const byQuery = await answer(await fetch(url(`/api/v5/reference/sites?apiKey=${shopKey}`)));
    assert.equal(byQuery.status, 200);
    assert.deepEqual(Object.keys(byQuery.body.sites), ['pult', 'pult-opt']);
  });

  test('a CMS round trip: create by externalId, read, edit, change status, history from sinceId, payments', async () => {
    const created = await post('/api/v5/orders/create', { site: 'pult', order: crmOrder('cms-1001') });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.success, true);
    const order = created.body.order as Json;
    assert.equal(created.body.id, order.id);
    assert.equal(typeof order.id, 'number');
    assert.equal(order.number, `${order.id}A`, 'the number is the site format around the numeric id');
    assert.equal(order.externalId, 'cms-1001');
    assert.equal(order.site, 'pult');
    assert.equal(order.status, 'new');
    assert.match(order.createdAt, MOSCOW_TIME);
    assert.equal(order.firstName, 'Анна');
    assert.equal(order.phone, '+79161234567');
    assert.equal(order.additionalPhone, '+79031112233');
    assert.equal(order.currency, 'RUB');
    // 49990.90 + 3 × 1200.10 − 3 × 100.05 = 53291.05; with delivery 500: 53791.05.
    assert.equal(order.summ, 53291.05);
    assert.equal(order.totalSumm, 53791.05);
    assert.equal(order.prepaySum, 0);
    assert.equal(order.items.length, 2);
    assert.equal(order.items[0].initialPrice, 49990.9);
    assert.deepEqual(order.items[0].offer.externalId, 'denon-x1800');
    assert.equal(order.items[1].initialPrice, 1200.1);
    assert.equal(order.items[1].discountTotal, 100.05);
    assert.deepEqual(order.items[1].prices, [{ price: 1100.05, quantity: 3 }]);
    assert.equal(order.delivery.code, 'courier');
    assert.equal(order.delivery.cost, 500);
    assert.equal(order.delivery.address.text, 'Москва, Тверская, 1');
    assert.deepEqual(order.payments, {});
    // Native and compatible APIs see one order.
    const nativeView = await native('GET', `/v1/orders/by-external-id/pult/cms-1001`);
    assert.equal(nativeView.body.numericId, order.id);
    assert.equal(nativeView.body.totals.total.amountMinor, 5_379_105);

    const read = await get('/api/v5/orders/cms-1001', { by: 'externalId', site: 'pult' });
    assert.equal(read.status, 200);
    assert.deepEqual(read.body.order, order);
    const byId = await get(`/api/v5/orders/${order.id}`, { by: 'id' });
    assert.equal(byId.body.order.externalId, 'cms-1001');
    assert.equal((await get('/api/v5/orders/nope', { site: 'pult' })).status, 404);

    const history0 = await get('/api/v5/orders/history', { filter: { sinceId: 0 }, limit: 100 });
    assert.equal(history0.status, 200);
    const sinceId = Math.max(...(history0.body.history as Json[]).map((h) => h.id as number));
    const creation = (history0.body.history as Json[]).find((h) => h.order?.externalId === 'cms-1001');
    assert.equal(creation?.created, true);
    assert.equal(creation?.order.id, order.id);
    assert.equal(creation?.order.items.length, 2);

    const edited = await post('/api/v5/orders/cms-1001/edit', {
      by: 'externalId',
      site: 'pult',
      order: {
        externalId: 'cms-1001',
        managerComment: 'Клиент просит доставку вечером',
        phone: '+79169998877',
      },
    });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    assert.equal(edited.body.order.managerComment, 'Клиент просит доставку вечером');
    assert.equal(edited.body.order.phone, '+79169998877');
    assert.equal(edited.body.order.additionalPhone, '+79031112233', 'the other phone stays');

    const moved = await post('/api/v5/orders/cms-1001/edit', {
      site: 'pult',
      order: { externalId: 'cms-1001', status: 'availability-check' },
    });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(moved.body.order.status, 'availability-check');
    // Against the matrix: a 400 with the orders service's reason.
    const refused = await post('/api/v5/orders/cms-1001/edit', {
      site: 'pult',
      order: { externalId: 'cms-1001', status: 'complete' },
    });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.success, false);

    // History after the cursor: the edit and the status change, oldest first, in RetailCRM's names.
    const changes = await get('/api/v5/orders/history', { filter: { sinceId }, limit: 20 });
    assert.equal(changes.status, 200);
    assert.match(changes.body.generatedAt, MOSCOW_TIME);
    const fields = (changes.body.history as Json[]).map((h) => h.field);
    assert.ok(fields.includes('manager_comment'), fields.join());
    assert.ok(fields.includes('phone'), fields.join());
    const status = (changes.body.history as Json[]).find((h) => h.field === 'status');
    assert.deepEqual(status?.oldValue, { code: 'new' });
    assert.deepEqual(status?.newValue, { code: 'availability-check' });
    assert.equal(status?.source, 'user', 'the key acts as a manager');
    assert.deepEqual(
      { id: status?.order.id, externalId: status?.order.externalId, site: status?.order.site },
      {
        id: order.id,
        externalId: 'cms-1001',
        site: 'pult',
      },
    );
    const ids = (changes.body.history as Json[]).map((h) => h.id as number);
    assert.ok(ids.every((id, i) => id > sinceId && (i === 0 || id > ids[i - 1])));
    assert.deepEqual(changes.body.pagination, {
      limit: 20,
      totalCount: ids.length,
      currentPage: 1,
      totalPageCount: 1,
    });
    const caughtUp = await get('/api/v5/orders/history', { filter: { sinceId: ids[ids.length - 1] } });
    assert.deepEqual(caughtUp.body.history, []);

    // Payments: create, edit, delete; amounts in roubles, the platform in kopecks.
    const payment = await post('/api/v5/orders/payments/create', {
      site: 'pult',
      payment: {
        order: { externalId: 'cms-1001' },
        type: 'card-online',
        status: 'not-paid',
        amount: 53791.05,
      },
    });
    assert.equal(payment.status, 201, JSON.stringify(payment.body));
    const paymentId = payment.body.id as number;
    assert.ok(
      Number.isSafeInteger(paymentId) && paymentId > 0,
      'payment ids are numbers, as clients model them',
    );
    const withPayment = await get(`/api/v5/orders/${order.id}`, { by: 'id' });
    assert.deepEqual(withPayment.body.order.payments[paymentId], {
      id: paymentId,
      type: 'card-online',
      status: 'not-paid',
      amount: 53791.05,
    });
    const tooPrecise = await post(`/api/v5/orders/payments/${paymentId}/edit`, {
      by: 'id',
      payment: { id: paymentId, amount: 10.001 },
    });
    assert.equal(tooPrecise.status, 400);
    assert.deepEqual(tooPrecise.body.errors, {
      'payment.amount': 'must have at most 2 decimal places in RUB',
    });
    const paymentEdit = await post(`/api/v5/orders/payments/${paymentId}/edit`, {
      by: 'id',
      payment: { id: paymentId, amount: 1000 },
    });
    assert.equal(paymentEdit.status, 200, JSON.stringify(paymentEdit.body));
    const afterEdit = await get(`/api/v5/orders/${order.id}`, { by: 'id' });
    assert.equal(afterEdit.body.order.payments[paymentId].amount, 1000);
    const deleted = await post(`/api/v5/orders/payments/${paymentId}/delete`, {});
    assert.deepEqual(deleted, { status: 200, body: { success: true } });
    assert.deepEqual((await get(`/api/v5/orders/${order.id}`, { by: 'id' })).body.order.payments, {});
  });

  test('payments by externalId (the Python default) and by numeric id: create, edit, delete', async () => {
    for (const externalId of ['pay-1', 'pay-2']) {
      const created = await post('/api/v5/orders/create', { site: 'pult', order: crmOrder(externalId) });
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
    const cash = (order: Json, externalId: string, amount: number) => ({
      payment: { order, externalId, type: 'cash', status: 'not-paid', amount },
      site: 'pult',
    });
    const first = await post(
      '/api/v5/orders/payments/create',
      cash({ externalId: 'pay-1' }, 'cms-pay-1', 100),
    );
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const firstId = first.body.id as number;
    const stored = (await get('/api/v5/orders/pay-1', { site: 'pult' })).body.order as Json;
    assert.deepEqual(stored.payments, {
      [firstId]: { id: firstId, externalId: 'cms-pay-1', type: 'cash', status: 'not-paid', amount: 100 },
    });
    // Unique in its order: the same externalId twice in one order is refused, in another one it is not.
    const twice = await post('/api/v5/orders/payments/create', cash({ externalId: 'pay-1' }, 'cms-pay-1', 1));
    assert.equal(twice.status, 400, JSON.stringify(twice.body));
    assert.match(
      twice.body.errors['payment.externalId'],
      /already has a payment with externalId 'cms-pay-1'/,
    );
    const pay2 = (await get('/api/v5/orders/pay-2', { site: 'pult' })).body.order as Json;
    const second = await post('/api/v5/orders/payments/create', cash({ id: pay2.id }, 'cms-pay-2', 200));
    assert.equal(second.status, 201, JSON.stringify(second.body));
    assert.notEqual(second.body.id, firstId);

    // Python's order_payment_edit: by externalId unless told otherwise, the payment naming itself.
    const edited = await post('/api/v5/orders/payments/cms-pay-1/edit', {
      site: 'pult',
      payment: { externalId: 'cms-pay-1', amount: 150.5 },
    });
    assert.deepEqual(edited, { status: 200, body: { success: true, id: firstId } });
    // by=id: the numeric id names it, and the externalId may change.
    const renamed = await post(`/api/v5/orders/payments/${firstId}/edit`, {
      by: 'id',
      payment: { id: firstId, externalId: 'cms-pay-1b', status: 'invoice' },
    });
    assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
    assert.deepEqual((await get('/api/v5/orders/pay-1', { site: 'pult' })).body.order.payments[firstId], {
      id: firstId,
      externalId: 'cms-pay-1b',
      type: 'cash',
      status: 'invoice',
      amount: 150.5,
    });
    // An externalId two orders use: the request names the order.
    const other = await post('/api/v5/orders/payments/create', cash({ externalId: 'pay-1' }, 'cms-pay-2', 5));
    assert.equal(other.status, 201, JSON.stringify(other.body));
    const ambiguous = await post('/api/v5/orders/payments/cms-pay-2/edit', { payment: { amount: 7 } });
    assert.equal(ambiguous.status, 400, JSON.stringify(ambiguous.body));
    assert.match(ambiguous.body.errors['payment.order'], /both have a payment with externalId cms-pay-2/);
    const named = await post('/api/v5/orders/payments/cms-pay-2/edit', {
      site: 'pult',
      payment: { order: { externalId: 'pay-2' }, amount: 7 },
    });
    assert.deepEqual(named, { status: 200, body: { success: true, id: second.body.id } });
    assert.equal(
      (await get('/api/v5/orders/pay-2', { site: 'pult' })).body.order.payments[second.body.id].amount,
      7,
    );

    // Delete by externalId, or by the numeric id (RetailCRM's default).
    const byExternal = await post('/api/v5/orders/payments/cms-pay-1b/delete', { by: 'externalId' });
    assert.deepEqual(byExternal, { status: 200, body: { success: true } });
    assert.deepEqual(await post(`/api/v5/orders/payments/${second.body.id}/delete`, {}), {
      status: 200,
      body: { success: true },
    });
    assert.equal((await post(`/api/v5/orders/payments/${firstId}/delete`, {})).status, 404);
    const left = (await get('/api/v5/orders/pay-1', { site: 'pult' })).body.order.payments as Json;
    assert.deepEqual(
      Object.values(left).map((p) => p.externalId),
      ['cms-pay-2'],
    );
    // The native API sees the same payments, with their string ids and the numeric ones.
    const nativeOrder = await native('GET', '/v1/orders/by-external-id/pult/pay-1');
    assert.equal(nativeOrder.body.payments[0].numericId, other.body.id);
    assert.equal(typeof nativeOrder.body.payments[0].id, 'string');
  });

  test('combine with each technique: lines by the technique, payments moved, the combined order cancelled', async () => {
    const expected: Record<string, [string, number][]> = {
      // The result has 3 cables, the combined order 2.
      ours: [
        ['denon-x1800', 1],
        ['cable-3m', 2],
        ['stand', 1],
      ],
      summ: [
        ['denon-x1800', 1],
        ['cable-3m', 5],
        ['stand', 1],
      ],
      theirs: [
        ['denon-x1800', 1],
        ['cable-3m', 3],
        ['stand', 1],
      ],
      merge: [
        ['denon-x1800', 1],
        ['cable-3m', 3],
        ['cable-3m', 2],
        ['stand', 1],
      ],
    };
    const sinceId = await lastHistoryId();
    for (const [technique, lines] of Object.entries(expected)) {
      const result = await post('/api/v5/orders/create', {
        site: 'pult',
        order: crmOrder(`into-${technique}`),
      });
      assert.equal(result.status, 201, JSON.stringify(result.body));
      const second = crmOrder(`second-${technique}`, {
        items: [
          { offer: { externalId: 'cable-3m' }, productName: 'Кабель 3 м', initialPrice: 1200.1, quantity: 2 },
          { offer: { externalId: 'stand' }, productName: 'Стойка', initialPrice: 5000, quantity: 1 },
        ],
        payments: [{ type: 'cash', status: 'not-paid', amount: 100, externalId: `deposit-${technique}` }],
      });
      const combined = await post('/api/v5/orders/create', { site: 'pult', order: second });
      assert.equal(combined.status, 201, JSON.stringify(combined.body));
      const request = {
        technique,
        order: { id: combined.body.id },
        resultOrder: { externalId: `into-${technique}` },
        site: 'pult',
      };
      const res = await post('/api/v5/orders/combine', request);
      assert.deepEqual(res, { status: 200, body: { success: true } }, technique);
      const merged = (await get(`/api/v5/orders/into-${technique}`, { site: 'pult' })).body.order as Json;
      assert.deepEqual(
        (merged.items as Json[]).map((i) => [i.offer.externalId, i.quantity]),
        lines,
        technique,
      );
      const [moved] = Object.values(merged.payments as Json);
      assert.equal(moved.externalId, `deposit-${technique}`);
      assert.deepEqual(
        Object.keys(combined.body.order.payments),
        [String(moved.id)],
        'the payment keeps its id',
      );
      const gone = (await get(`/api/v5/orders/second-${technique}`, { site: 'pult' })).body.order as Json;
      assert.equal(gone.status, 'cancelled-other');
      assert.equal(gone.cancelReason, 'duplicate');
      assert.deepEqual(gone.payments, {});
      // A repeated request answers as the first did; the combined order changes no more.
      assert.deepEqual(await post('/api/v5/orders/combine', request), res);
      const edit = await post(`/api/v5/orders/second-${technique}/edit`, {
        site: 'pult',
        order: { managerComment: 'ещё' },
      });
      assert.equal(edit.status, 400, JSON.stringify(edit.body));
      assert.match(edit.body.errorMsg, /was combined into order .* and changes no more/);
    }

    // The history: the combined order names the order it went into (combinedTo), the key its own changes.
    const history = (await get('/api/v5/orders/history', { filter: { sinceId }, limit: 100 })).body
      .history as Json[];
    const combinedTo = history.find((h) => h.field === 'combined_to' && h.order.externalId === 'second-summ');
    assert.ok(combinedTo, JSON.stringify(history.map((h) => h.field)));
    assert.equal(combinedTo.combinedTo.externalId, 'into-summ');
    assert.deepEqual(combinedTo.newValue, { id: combinedTo.combinedTo.id });
    const status = history.find((h) => h.field === 'status' && h.order.externalId === 'second-summ');
    assert.deepEqual([status?.newValue, status?.source], [{ code: 'cancelled-other' }, 'user']);
    const quantity = history.find(
      (h) => h.field === 'order_product.quantity' && h.order.externalId === 'into-summ',
    );
    assert.deepEqual([quantity?.oldValue, quantity?.newValue], [3, 5]);

    // Refusals come from the orders service, in RetailCRM's words.
    const a = await post('/api/v5/orders/create', { site: 'pult', order: crmOrder('refuse-a') });
    const b = await post('/api/v5/orders/create', { site: 'pult', order: crmOrder('refuse-b') });
    const bad = await post('/api/v5/orders/combine', {
      technique: 'both',
      order: { id: a.body.id },
      resultOrder: { id: b.body.id },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors, { technique: 'must be one of ours, summ, theirs, merge' });
    const self = await post('/api/v5/orders/combine', {
      order: { id: a.body.id },
      resultOrder: { id: a.body.id },
    });
    assert.deepEqual(self.body.errors, { resultOrder: 'an order cannot be combined with itself' });
    const missing = await post('/api/v5/orders/combine', { order: { id: a.body.id } });
    assert.deepEqual(missing.body, { success: false, errorMsg: "Parameter 'resultOrder' is missing" });
    // The status matrix applies: a key acting for no user may not cancel an order on this site.
    const apiOnly = await post(
      '/api/v5/orders/combine',
      { order: { id: a.body.id }, resultOrder: { id: b.body.id } },
      TEST_ADMIN_KEY,
    );
    assert.equal(apiOnly.status, 403, JSON.stringify(apiOnly.body));
    // The native API: combinedInto on the order combined.
    const nativeGone = await native('GET', '/v1/orders/by-external-id/pult/second-ours');
    const nativeInto = await native('GET', '/v1/orders/by-external-id/pult/into-ours');
    assert.equal(nativeGone.body.combinedInto, nativeInto.body.id);
  });

  test('history apiKey.current: true for the changes of the key reading, false for another key', async () => {
    const sinceId = await lastHistoryId();
    const created = await post('/api/v5/orders/create', { site: 'pult', order: crmOrder('key-1') });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const byAdmin = await native(
      'PATCH',
      `/v1/orders/${(await native('GET', '/v1/orders/by-external-id/pult/key-1')).body.id}`,
      {
        managerComment: 'Админ',
      },
    );
    assert.equal(byAdmin.status, 200, JSON.stringify(byAdmin.body));
    const entries = async (key: string) =>
      ((await get('/api/v5/orders/history', { filter: { sinceId } }, key)).body.history as Json[]).filter(
        (h) => h.order.externalId === 'key-1',
      );
    const mine = await entries(shopKey);
    assert.deepEqual(
      mine.map((h) => [h.created === true ? 'created' : h.field, h.apiKey]),
      [
        ['created', { current: true }],
        ['manager_comment', { current: false }],
      ],
    );
    const theirs = await entries(TEST_ADMIN_KEY);
    assert.deepEqual(
      theirs.map((h) => h.apiKey),
      [{ current: false }, { current: true }],
    );
  });

  test('upload: one bad order is 460 with its error by position, the good ones are stored', async () => {
    const batch = [
      crmOrder('batch-1'),
      crmOrder('batch-2', { items: [{ productName: 'Колонки', initialPrice: 100.001, quantity: 1 }] }),
      crmOrder('batch-3', { orderMethod: 'carrier-pigeon' }),
      crmOrder('batch-4'),
    ];
    const res = await post('/api/v5/orders/upload', { site: 'pult', orders: batch });
    assert.equal(res.status, 460, JSON.stringify(res.body));
    assert.equal(res.body.success, false);
    assert.equal(res.body.errorMsg, 'Orders are loaded with errors');
    assert.deepEqual(Object.keys(res.body.errors), ['1', '2']);
    assert.match(
      res.body.errors['1'],
      /batch-2.*items\[0\]\.initialPrice: must have at most 2 decimal places/,
    );
    assert.match(res.body.errors['2'], /batch-3.*orderMethod/);
    assert.deepEqual(
      (res.body.uploadedOrders as Json[]).map((o) => o.externalId),
      ['batch-1', 'batch-4'],
    );
    for (const uploaded of res.body.uploadedOrders as Json[]) {
      const stored = await get(`/api/v5/orders/${uploaded.externalId}`, { site: 'pult' });
      assert.equal(stored.body.order.id, uploaded.id);
    }
    assert.equal((await get('/api/v5/orders/batch-2', { site: 'pult' })).status, 404);
  });

  test('list: bracket filters as PHP sends them, pages with totals; statuses; fix-external-ids', async () => {
    const created = await post('/api/v5/orders/create', {
      site: 'pult',
      order: crmOrder('', { externalId: undefined }),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id as number;
    const byIds = await get('/api/v5/orders', { filter: { ids: [id] } });
    assert.equal(byIds.status, 200);
    assert.deepEqual(byIds.body.pagination, { limit: 20, totalCount: 1, currentPage: 1, totalPageCount: 1 });
    assert.equal(byIds.body.orders[0].id, id);
    // Python's `filter[ids][]` form, and the page size of 50.
    const python = await answer(
      await fetch(
        url(`/api/v5/orders?filter[externalIds][]=batch-1&filter[externalIds][]=batch-4&limit=50`),
        {
          headers: { 'X-API-KEY': shopKey },
        },
      ),
    );
    assert.deepEqual((python.body.orders as Json[]).map((o) => o.externalId).sort(), ['batch-1', 'batch-4']);
    assert.equal(python.body.pagination.limit, 50);
    const paged = await get('/api/v5/orders', { filter: { sites: ['pult'] }, limit: 20, page: 1 });
    assert.ok(paged.body.pagination.totalCount >= 4);
    assert.equal((await get('/api/v5/orders', { limit: 30 })).status, 400, 'limit is 20, 50 or 100');
    const unsupported = await get('/api/v5/orders', { filter: { paymentStatus: 'paid' } });
    assert.deepEqual(unsupported.body.errors, {
      'filter[paymentStatus]': 'this filter is not supported by this installation',
    });

    const statuses = await get('/api/v5/orders/statuses', { ids: [id], externalIds: ['batch-1'] });
    assert.equal(statuses.status, 200);
    assert.deepEqual(
      (statuses.body.orders as Json[]).find((o) => o.id === id),
      { id, status: 'new', group: 'new' },
    );

    const fixed = await post('/api/v5/orders/fix-external-ids', {
      orders: [{ id, externalId: 'cms-fixed-1' }],
    });
    assert.deepEqual(fixed, { status: 200, body: { success: true } });
    assert.equal((await get('/api/v5/orders/cms-fixed-1', { site: 'pult' })).body.order.id, id);
  });

  test('the v5 PHP client: multipart body with apiKey in it; a key of several sites must name the site', async () => {
    const { body, contentType } = multipart({
      apiKey: TEST_ADMIN_KEY,
      site: 'pult-opt',
      order: JSON.stringify(crmOrder('opt-1', { orderMethod: 'phone' })),
    });
    const res = await answer(
      await fetch(url('/api/v5/orders/create'), {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      }),
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.order.site, 'pult-opt');
    assert.equal(res.body.order.number, `OPT-${res.body.id}`);
    const noSite = await post('/api/v5/orders/create', { order: crmOrder('opt-2') }, TEST_ADMIN_KEY);
    assert.deepEqual(noSite, {
      status: 400,
      body: { success: false, errorMsg: "Parameter 'site' is missing" },
    });
    const otherSite = await post('/api/v5/orders/create', { site: 'pult-opt', order: crmOrder('opt-3') });
    assert.equal(otherSite.status, 403);
    assert.equal(otherSite.body.errorMsg, 'Access denied.');
  });

  test('reference dictionaries keyed by code; {code}/edit goes through the validated save', async () => {
    const statuses = await get('/api/v5/reference/statuses');
    assert.deepEqual(statuses.body.statuses.new, {
      name: 'Новый',
      code: 'new',
      active: true,
      ordering: 10,
      group: 'new',
    });
    const groups = await get('/api/v5/reference/status-groups');
    assert.equal(groups.body.statusGroups.cancel.process, false);
    assert.ok(groups.body.statusGroups.cancel.statuses.includes('cancelled-other'));
    const methods = await get('/api/v5/reference/order-methods');
    assert.equal(methods.body.orderMethods.cart.name, 'Корзина');
    const paymentStatuses = await get('/api/v5/reference/payment-statuses');
    assert.equal(paymentStatuses.body.paymentStatuses.paid.paymentComplete, true);
    const fields = await get('/api/v5/custom-fields', { filter: { entity: 'order' } });
    assert.ok(
      (fields.body.customFields as Json[]).some((f) => f.code === 'room-area' && f.type === 'numeric'),
    );

    const added = await post(
      '/api/v5/reference/order-methods/marketplace/edit',
      { orderMethod: { name: 'Маркетплейс', active: true } },
      TEST_ADMIN_KEY,
    );
    assert.deepEqual(added, { status: 201, body: { success: true } });
    const renamed = await post(
      '/api/v5/reference/order-methods/marketplace/edit',
      { orderMethod: { name: 'Маркетплейсы' } },
      TEST_ADMIN_KEY,
    );
    assert.deepEqual(renamed, { status: 200, body: { success: true } });
    const invalid = await post(
      '/api/v5/reference/statuses/lost/edit',
      { status: { name: 'Потерян', group: 'no-such-group' } },
      TEST_ADMIN_KEY,
    );
    assert.equal(invalid.status, 400, JSON.stringify(invalid.body));
    assert.ok(
      Object.keys(invalid.body.errors).some((f) => f.startsWith('status')),
      JSON.stringify(invalid.body),
    );
    assert.equal(
      (await post('/api/v5/reference/order-methods/x/edit', { orderMethod: { name: 'X' } })).status,
      403,
      'needs reference-data:write',
    );
  });
});
