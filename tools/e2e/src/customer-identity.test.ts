import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { createGrpcClient, customerIdentityV1, type GrpcClient } from '@openretail/grpc';
import { startService, type RunningService } from '@openretail/service-runtime';
import { customersServiceDefinition } from '@openretail/svc-customers/dist/service';
import { demoPult } from '@openretail/svc-orders/dist/reference-data/demo-pult';
import { ordersServiceDefinition } from '@openretail/svc-orders/dist/service';
import { waitFor } from '@openretail/testing';
import { authHeaders, createTestPlatform, startGateway, type TestPlatform } from './platform';

interface OrderJson {
  id: string;
  customer: { customerId?: string; firstName?: string };
}

/**
 * One profile per customer across the services, over real PostgreSQL and the Kafka-protocol
 * broker: an order posted to the gateway reaches customers (order.created), which links it to a
 * profile (customer.order-linked), which orders applies to the order; a merge and its undo move
 * the orders along.
 */
describe('orders and customer profiles: identity resolution over Kafka', () => {
  let platform: TestPlatform;
  let orders: RunningService;
  let customers: RunningService;
  let gateway: RunningService;
  let identity: GrpcClient<customerIdentityV1.CustomerIdentityServiceDefinition>;
  const caller = {
    userId: 'u-e2e',
    groups: [],
    source: 'manager',
    allSites: true,
    sites: [],
    permissions: [],
  };

  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`http://127.0.0.1:${gateway.httpPort}${path}`, {
      method,
      headers: authHeaders(undefined, body === undefined ? {} : { 'content-type': 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };
  const placeOrder = (customer: Record<string, unknown>) =>
    api<OrderJson>('POST', '/v1/orders', {
      site: 'pult',
      currency: 'RUB',
      customer,
      items: [{ name: 'Проигрыватель', quantity: 1, unitPrice: { amountMinor: 3_499_000, currency: 'RUB' } }],
    });
  const customerOf = async (orderId: string) =>
    (await api<OrderJson>('GET', `/v1/orders/${orderId}`)).customer.customerId;
  /** Waits until the order points at a profile (or at `expected`), and answers it. */
  const linkedCustomer = async (orderId: string, expected?: string) => {
    let seen: string | undefined;
    await waitFor(
      async () => {
        seen = await customerOf(orderId);
        return expected ? seen === expected : seen !== undefined;
      },
      { message: `order ${orderId} points at ${expected ?? 'a profile'} (now ${seen})`, timeoutMs: 20_000 },
    );
    return seen!;
  };
  const sql = async (service: RunningService, text: string, params: unknown[] = []) => {
    const client = new Client({ connectionString: platform.env(service.name).DATABASE_URL });
    await client.connect();
    try {
      return (await client.query(text, params)).rows;
    } finally {
      await client.end();
    }
  };

  before(async () => {
    platform = await createTestPlatform('identity', ['orders', 'customers', 'order-gateway']);
    orders = await startService(ordersServiceDefinition, { env: platform.env('orders') });
    const ordersUrl = `127.0.0.1:${orders.grpcPort}`;
    customers = await startService(customersServiceDefinition, {
      env: platform.env('customers', { ORDERS_GRPC_URL: ordersUrl }),
    });
    gateway = await startGateway(
      platform.env('order-gateway', {
        ORDERS_GRPC_URL: ordersUrl,
        CUSTOMERS_GRPC_URL: `127.0.0.1:${customers.grpcPort}`,
      }),
    );
    await api('PUT', '/v1/reference-data', demoPult);
    identity = createGrpcClient(
      customerIdentityV1.customerIdentityService(),
      `127.0.0.1:${customers.grpcPort}`,
      { deadlineMs: 10_000 },
    );
  });

  after(async () => {
    identity?.close();
    for (const s of [gateway, customers, orders]) await s?.close();
    await platform?.close();
  });

  test('an order gets its customer profile; the same customer’s next order gets the same one', async () => {
    const first = await placeOrder({ firstName: 'Анна', lastName: 'Смирнова', phones: ['+79161110001'] });
    const profileId = await linkedCustomer(first.id);
    const [profile] = await sql(customers, 'select first_name, phone_keys from customers where id = $1', [
      profileId,
    ]);
    assert.deepEqual(profile, { first_name: 'Анна', phone_keys: ['+79161110001'] });
    const history = await api<{ entries: { field: string; source: string; newValue: unknown }[] }>(
      'GET',
      `/v1/orders/${first.id}/history`,
    );
    assert.deepEqual(
      history.entries.filter((e) => e.field === 'customer.customerId').map((e) => [e.source, e.newValue]),
      [['system', profileId]],
    );

    const second = await placeOrder({
      firstName: 'Анна',
      lastName: 'Смирнова',
      phones: ['8 916 111-00-01'],
      email: 'anna.s@example.com',
    });
    assert.equal(await linkedCustomer(second.id), profileId);
    const [updated] = await sql(customers, 'select email_keys from customers where id = $1', [profileId]);
    assert.deepEqual(updated.email_keys, ['anna.s@example.com'], 'the profile learnt the new email');

    const explanation = await identity.call('GetMatchExplanation', { caller, orderId: second.id });
    assert.equal(explanation.decision, 'matched');
    assert.equal(explanation.best?.decision, 'auto-merge');
    assert.ok(explanation.best?.contributions.some((c) => c.field === 'phone' && c.level === 'exact'));
  });

  test('two profiles merged: their orders point to the survivor; the undo points them back', async () => {
    const a = await placeOrder({ firstName: 'Борис', lastName: 'Котов', phones: ['+79162220002'] });
    const b = await placeOrder({ firstName: 'Борис', lastName: 'Котов', email: 'kotov@example.com' });
    const profileA = await linkedCustomer(a.id);
    const profileB = await linkedCustomer(b.id);
    assert.notEqual(profileA, profileB, 'no shared key: two profiles');

    const merge = await identity.call('MergeCustomers', { caller, customerIds: [profileA, profileB] });
    assert.equal(merge.survivorId, profileA);
    assert.deepEqual(merge.orderIds, [b.id]);
    assert.equal(await linkedCustomer(b.id, profileA), profileA);
    assert.equal(await customerOf(a.id), profileA);

    await identity.call('UndoMerge', { caller, id: merge.id });
    assert.equal(await linkedCustomer(b.id, profileB), profileB);
    assert.equal(await customerOf(a.id), profileA);
    const history = await api<{ entries: { field: string; source: string; newValue: unknown }[] }>(
      'GET',
      `/v1/orders/${b.id}/history`,
    );
    assert.deepEqual(
      history.entries.filter((e) => e.field === 'customer.customerId').map((e) => e.newValue),
      [profileB, profileA, profileB],
    );
  });
});
