import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
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
interface Explanation {
  customerId: string;
  decision: string;
  best?: { customerId: string; decision: string; contributions: { field: string; level: string }[] };
  suggestionIds: string[];
}
interface Merge {
  id: string;
  survivorId: string;
  orderIds: string[];
}
interface Suggestion {
  id: string;
  customerIds: string[];
  status: string;
  contradictions: string[];
}
interface DedupJob {
  id: string;
  status: string;
  progress: { records: { done: number; total: number } };
  report?: { merges: number; profilesMerged: number };
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
  });

  after(async () => {
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

    const explanation = await api<Explanation>('GET', `/v1/orders/${second.id}/customer-link`);
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

    // Named: the two orders' profiles are made on different partitions, so either may be the older.
    const merge = await api<Merge>('POST', '/v1/customers/merge', {
      customerIds: [profileA, profileB],
      survivorId: profileA,
    });
    assert.equal(merge.survivorId, profileA);
    assert.deepEqual(merge.orderIds, [b.id]);
    assert.equal(await linkedCustomer(b.id, profileA), profileA);
    assert.equal(await customerOf(a.id), profileA);

    await api<Merge>('POST', `/v1/customers/merges/${merge.id}/undo`);
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

  test('relatives sharing a phone: a suggestion, not a merge; rejected, it is not raised again', async () => {
    const mother = await placeOrder({ firstName: 'Ольга', lastName: 'Кузнецова', phones: ['+79163330003'] });
    const motherId = await linkedCustomer(mother.id);
    const daughter = await placeOrder({
      firstName: 'Дарья',
      lastName: 'Кузнецова',
      phones: ['8 916 333 00 03'],
    });
    const daughterId = await linkedCustomer(daughter.id);
    assert.notEqual(daughterId, motherId);
    const link = await api<Explanation>('GET', `/v1/orders/${daughter.id}/customer-link`);
    assert.deepEqual(
      [link.decision, link.best?.customerId, link.best?.decision],
      ['created', motherId, 'suggest'],
    );

    const open = await api<{ suggestions: Suggestion[] }>(
      'GET',
      `/v1/customers/suggestions?customerId=${motherId}`,
    );
    assert.equal(open.suggestions.length, 1);
    assert.deepEqual([...open.suggestions[0].customerIds].sort(), [motherId, daughterId].sort());
    assert.ok(open.suggestions[0].contradictions.includes('firstName'));
    const rejected = await api<Suggestion>(
      'POST',
      `/v1/customers/suggestions/${open.suggestions[0].id}/reject`,
    );
    assert.equal(rejected.status, 'rejected');

    await linkedCustomer(
      (await placeOrder({ firstName: 'Дарья', lastName: 'Кузнецова', phones: ['+79163330003'] })).id,
    );
    const after = await api<{ suggestions: Suggestion[] }>(
      'GET',
      `/v1/customers/suggestions?customerId=${motherId}`,
    );
    assert.deepEqual(after.suggestions, []);
  });

  test('a deduplication job merges duplicates made through the API, and their orders follow', async () => {
    const profile = (email: string) =>
      api<{ id: string }>('POST', '/v1/customers', {
        site: 'pult',
        firstName: 'Глеб',
        lastName: 'Ершов',
        phones: ['+79164440004'],
        emails: [email],
      });
    const older = await profile('gleb@example.com');
    const newer = await profile('glebus@example.com');
    const order = await placeOrder({ customerId: newer.id, firstName: 'Глеб', phones: ['+79164440004'] });
    assert.equal(await linkedCustomer(order.id), newer.id);

    const started = await api<DedupJob>('POST', '/v1/customers/dedup-jobs', { site: 'pult' });
    let job = started;
    await waitFor(
      async () => {
        job = await api<DedupJob>('GET', `/v1/customers/dedup-jobs/${started.id}`);
        return job.status !== 'running';
      },
      { message: 'the job ends', timeoutMs: 30_000 },
    );
    assert.equal(job.status, 'completed');
    assert.equal(job.progress.records.done, job.progress.records.total);
    assert.ok((job.report?.merges ?? 0) >= 1);
    assert.equal(await linkedCustomer(order.id, older.id), older.id);
    const survivor = await api<{ emails: string[] }>('GET', `/v1/customers/${older.id}`);
    assert.deepEqual(survivor.emails, ['gleb@example.com', 'glebus@example.com']);
  });
});
