import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { startService, type RunningService } from '@openretail/service-runtime';
import { customersServiceDefinition } from '@openretail/svc-customers/dist/service';
import { ordersServiceDefinition } from '@openretail/svc-orders/dist/service';
import { demoPult } from '@openretail/svc-orders/dist/reference-data/demo-pult';
import { waitFor } from '@openretail/testing';
import { authHeaders, createTestPlatform, startGateway, type TestPlatform } from './platform';

interface Customer {
  id: string;
  site: string;
  externalId?: string;
  firstName?: string;
  lastName?: string;
  phones: { number: string; e164?: string }[];
  emails: string[];
  consent: Record<string, { status: string; at: string; source: string }>;
  customFields: Record<string, unknown>;
  version: number;
}
interface CorporateCustomer {
  id: string;
  name: string;
  version: number;
  companies: { id: string; name: string; inn?: string; main: boolean }[];
  contacts: { customerId: string; role?: string }[];
}
interface ErrorBody {
  error: { code: string; message: string; fields?: { field: string; reason: string }[] };
}
interface HistoryPage {
  entries: { id: number; customerId: string; customerKind: string; field: string; userId?: string }[];
  lastId: number;
}

/**
 * Customer profiles through the public API, over the gateway, the customers service (which reads the
 * reference data from orders over gRPC), real PostgreSQL and the Kafka-protocol broker.
 */
describe('customer profiles through the gateway', () => {
  let platform: TestPlatform;
  let orders: RunningService;
  let customers: RunningService;
  let gateway: RunningService;
  let wholesaleKey: string;

  const call = async <T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    key?: string,
  ): Promise<{ status: number; body: T }> => {
    const res = await fetch(`http://127.0.0.1:${gateway.httpPort}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...authHeaders(key, headers),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const fieldsOf = (body: unknown) => ((body as ErrorBody).error.fields ?? []).map((f) => f.field).sort();
  const anna = {
    site: 'pult',
    externalId: 'crm-anna',
    firstName: 'Анна',
    lastName: 'Иванова',
    phones: ['8 (916) 123-45-67'],
    emails: ['Anna@Example.com'],
    customFields: { interests: 'vinyl' },
  };

  before(async () => {
    platform = await createTestPlatform('profiles', ['orders', 'customers', 'order-gateway']);
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
    assert.equal((await call('PUT', '/v1/reference-data', demoPult)).status, 200);
    const res = await call('POST', '/v1/users', {
      login: 'anna.manager',
      name: 'Анна',
      groups: ['managers'],
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const key = await call<{ secret: string }>('POST', '/v1/api-keys', {
      name: 'wholesale crm',
      permissions: ['customers:read', 'customers:write'],
      sites: ['pult-opt'],
    });
    assert.equal(key.status, 201, JSON.stringify(key.body));
    wholesaleKey = key.body.secret;
  });

  after(async () => {
    for (const s of [gateway, customers, orders]) await s?.close();
    await platform?.close();
  });

  test('create normalises the phone; a retry with the key is the same customer; get by externalId', async () => {
    const first = await call<Customer>('POST', '/v1/customers', anna, { 'Idempotency-Key': 'anna-1' });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.deepEqual(first.body.phones, [{ number: '8 (916) 123-45-67', e164: '+79161234567' }]);
    assert.equal(first.body.version, 1);
    const again = await call<Customer>('POST', '/v1/customers', anna, { 'Idempotency-Key': 'anna-1' });
    assert.equal(again.status, 201);
    assert.equal(again.body.id, first.body.id);
    const other = await call<ErrorBody>(
      'POST',
      '/v1/customers',
      { ...anna, firstName: 'Аня' },
      { 'Idempotency-Key': 'anna-1' },
    );
    assert.equal(other.status, 409);
    const byExternal = await call<Customer>('GET', '/v1/customers/by-external-id/pult/crm-anna');
    assert.equal(byExternal.status, 200);
    assert.deepEqual(byExternal.body, first.body);
    const found = await call<{ customers: Customer[] }>(
      'GET',
      '/v1/customers/search?phone=%2B7%20916%20123%2045%2067',
    );
    assert.deepEqual(
      found.body.customers.map((c) => c.id),
      [first.body.id],
    );
  });

  test('bad input is 400 naming every field; unknown custom fields and sites too', async () => {
    const bad = await call<ErrorBody>('POST', '/v1/customers', {
      site: 'pult',
      phones: ['call me'],
      emails: ['nope'],
      sex: 'x',
      colour: 'red',
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(fieldsOf(bad.body), ['colour', 'emails[0]', 'phones[0]', 'sex']);
    const unknown = await call<ErrorBody>('POST', '/v1/customers', {
      site: 'nowhere',
      firstName: 'Х',
    });
    assert.equal(unknown.status, 400);
    assert.deepEqual(fieldsOf(unknown.body), ['site']);
    const field = await call<ErrorBody>('POST', '/v1/customers', {
      site: 'pult',
      firstName: 'Х',
      customFields: { interests: 'jazz', 'call-logged': true },
    });
    assert.equal(field.status, 400);
    assert.deepEqual(fieldsOf(field.body), ['customFields.call-logged', 'customFields.interests']);
    const patch = await call<ErrorBody>('PATCH', '/v1/customers/00000000-0000-4000-8000-000000000000', {
      site: 'minsk',
      vip: 'yes',
    });
    assert.equal(patch.status, 400);
    assert.deepEqual(fieldsOf(patch.body), ['site']);
  });

  test('an edit with If-Match; a stale one is 409; the history cursor shows who changed what', async () => {
    const { body: created } = await call<Customer>('POST', '/v1/customers', {
      site: 'pult',
      firstName: 'Борис',
      emails: ['boris@example.com'],
    });
    const edited = await call<Customer>(
      'PATCH',
      `/v1/customers/${created.id}`,
      { lastName: 'Петров', consent: { email: 'granted' }, tags: ['vip'] },
      { 'If-Match': '"1"', 'X-Acting-User': 'anna.manager' },
    );
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    assert.equal(edited.body.version, 2);
    assert.equal(edited.body.consent.email.status, 'granted');
    assert.equal(edited.body.consent.email.source, 'manager');
    const stale = await call<ErrorBody>(
      'PATCH',
      `/v1/customers/${created.id}`,
      { firstName: 'Боря' },
      { 'If-Match': '"1"' },
    );
    assert.equal(stale.status, 409);
    const removeConsent = await call<ErrorBody>('PATCH', `/v1/customers/${created.id}`, {
      consent: { email: null },
    });
    assert.equal(removeConsent.status, 400);
    assert.deepEqual(fieldsOf(removeConsent.body), ['consent.email']);

    const own = await call<HistoryPage>('GET', `/v1/customers/${created.id}/history`);
    assert.deepEqual(
      own.body.entries.map((e) => e.field),
      ['created', 'consent.email', 'lastName', 'tags[vip]'],
    );
    assert.ok(own.body.entries.slice(1).every((e) => e.userId && e.customerKind === 'individual'));
    const second = own.body.entries[1].id;
    const tail = await call<HistoryPage>('GET', `/v1/customers/history?afterId=${second}&limit=2`);
    assert.deepEqual(
      tail.body.entries.map((e) => e.field),
      ['lastName', 'tags[vip]'],
    );
    assert.equal(tail.body.lastId, own.body.entries[3].id);
    const none = await call<HistoryPage>('GET', `/v1/customers/history?afterId=${tail.body.lastId}`);
    assert.deepEqual(none.body, { entries: [], lastId: tail.body.lastId });
  });

  test("a key for another site cannot see or write this site's customers", async () => {
    const { body: customer } = await call<Customer>('GET', '/v1/customers/by-external-id/pult/crm-anna');
    const asWholesale = (method: string, path: string, body?: unknown) =>
      call<ErrorBody>(method, path, body, {}, wholesaleKey);
    assert.equal((await asWholesale('GET', `/v1/customers/${customer.id}`)).status, 404);
    assert.equal((await asWholesale('GET', '/v1/customers/by-external-id/pult/crm-anna')).status, 404);
    assert.equal(
      (await asWholesale('PATCH', `/v1/customers/${customer.id}`, { firstName: 'Х' })).status,
      404,
    );
    assert.equal((await asWholesale('GET', `/v1/customers/${customer.id}/history`)).status, 404);
    assert.equal((await asWholesale('POST', '/v1/customers', { site: 'pult', firstName: 'Х' })).status, 403);
    const list = await call<{ customers: Customer[] }>('GET', '/v1/customers', undefined, {}, wholesaleKey);
    assert.deepEqual(list.body.customers, []);
    const search = await call<{ customers: Customer[] }>(
      'GET',
      '/v1/customers/search?phone=89161234567',
      undefined,
      {},
      wholesaleKey,
    );
    assert.deepEqual(search.body.customers, []);
    const own = await call<Customer>(
      'POST',
      '/v1/customers',
      { site: 'pult-opt', firstName: 'Опт' },
      {},
      wholesaleKey,
    );
    assert.equal(own.status, 201);
  });

  test("a corporate customer with a contact person and companies; the buyer's linked customers", async () => {
    const { body: buyer } = await call<Customer>('GET', '/v1/customers/by-external-id/pult/crm-anna');
    const created = await call<CorporateCustomer>('POST', '/v1/corporate-customers', {
      site: 'pult',
      name: 'Звук и Свет',
      companies: [{ name: 'ООО Звук', inn: '7701234567', kpp: '770101001', main: true }],
      contacts: [{ customerId: buyer.id, role: 'buyer', main: true }],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const added = await call<CorporateCustomer>(
      'POST',
      `/v1/corporate-customers/${created.body.id}/companies`,
      { name: 'ИП Иванова', inn: '500100732259' },
      { 'If-Match': '"1"' },
    );
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.equal(added.body.version, 2);
    const companyId = added.body.companies[1].id;
    const patched = await call<CorporateCustomer>(
      'PATCH',
      `/v1/corporate-customers/${created.body.id}/companies/${companyId}`,
      { kpp: '500101001' },
    );
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    const badInn = await call<ErrorBody>('POST', `/v1/corporate-customers/${created.body.id}/companies`, {
      name: 'ООО Ошибка',
      inn: '12',
    });
    assert.equal(badInn.status, 400);
    assert.deepEqual(fieldsOf(badInn.body), ['inn']);
    const linked = await call<{ corporateCustomers: CorporateCustomer[] }>(
      'GET',
      `/v1/customers/${buyer.id}/corporate-customers`,
    );
    assert.deepEqual(
      linked.body.corporateCustomers.map((c) => c.id),
      [created.body.id],
    );
    const history = await call<HistoryPage>('GET', `/v1/corporate-customers/${created.body.id}/history`);
    assert.deepEqual(
      history.body.entries.map((e) => e.field.replace(/\[[^\]]+\]/, '[]')),
      ['created', 'companies[]', 'companies[].kpp'],
    );
  });

  test('notes: added by the acting user, listed, deleted', async () => {
    const { body: customer } = await call<Customer>('GET', '/v1/customers/by-external-id/pult/crm-anna');
    const note = await call<{ id: string; authorId?: string; text: string }>(
      'POST',
      `/v1/customers/${customer.id}/notes`,
      { text: 'Любит винил' },
      { 'X-Acting-User': 'anna.manager' },
    );
    assert.equal(note.status, 201, JSON.stringify(note.body));
    assert.ok(note.body.authorId);
    const listed = await call<{ notes: { id: string }[] }>('GET', `/v1/customers/${customer.id}/notes`);
    assert.deepEqual(
      listed.body.notes.map((n) => n.id),
      [note.body.id],
    );
    assert.equal((await call('DELETE', `/v1/customers/${customer.id}/notes/${note.body.id}`)).status, 204);
    assert.equal((await call('DELETE', `/v1/customers/${customer.id}/notes/${note.body.id}`)).status, 404);
  });

  test('the customer events are published to Kafka through the outbox', async () => {
    const db = new Client({ connectionString: platform.env('customers').DATABASE_URL });
    await db.connect();
    try {
      await waitFor(
        async () => {
          const { rows } = await db.query<{ pending: string; published: string }>(
            `select count(*) filter (where published_at is null) as pending,
                    count(*) filter (where published_at is not null) as published from outbox_message`,
          );
          return rows[0].pending === '0' && Number(rows[0].published) > 0;
        },
        { timeoutMs: 15_000, message: 'the outbox relay to publish every customer event' },
      );
      const { rows } = await db.query<{ event_type: string }>(
        'select distinct event_type from outbox_message',
      );
      assert.deepEqual(rows.map((r) => r.event_type).sort(), [
        'corporate.created',
        'corporate.updated',
        'customer.created',
        'customer.updated',
      ]);
    } finally {
      await db.end();
    }
  });
});
