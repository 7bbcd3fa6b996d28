import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startService, type RunningService } from '@openretail/service-runtime';
import { customersServiceDefinition } from '@openretail/svc-customers/dist/service';
import { ordersServiceDefinition } from '@openretail/svc-orders/dist/service';
import { demoPult } from '@openretail/svc-orders/dist/reference-data/demo-pult';
import { waitFor } from '@openretail/testing';
import { authHeaders, createTestPlatform, startGateway, TEST_ADMIN_KEY, type TestPlatform } from './platform';
import { CRM_DATE_TIME, form, httpBuildQuery, multipart, type Json } from './retailcrm-client';

/**
 * RetailCRM API v5 customers and corporate customers through the real gateway, customers and
 * orders services, PostgreSQL and Kafka, as a CMS module uses them: customers created and read by
 * externalId, an order naming its customer, edits, the history cursor, a batch upload with a bad
 * customer, notes, corporate customers with their companies, contacts and addresses. Requests are
 * built as the official clients build them; answers are checked member by member.
 */
describe('RetailCRM API v5 customers through the gateway', () => {
  let platform: TestPlatform;
  let orders: RunningService;
  let customers: RunningService;
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

  /** Every customer history entry after sinceId, paged as integrations sync: from the last id seen. */
  const history = async (sinceId: number) => {
    const entries: Json[] = [];
    for (let cursor = sinceId; ;) {
      const page = await get('/api/v5/customers/history', { filter: { sinceId: cursor }, limit: 20 });
      assert.equal(page.status, 200, JSON.stringify(page.body));
      assert.match(page.body.generatedAt, CRM_DATE_TIME);
      if (page.body.history.length === 0) return entries;
      entries.push(...page.body.history);
      cursor = page.body.history.at(-1).id;
    }
  };
  const crmCustomer = (externalId: string, over: Json = {}) => ({
    externalId,
    firstName: 'Анна',
    lastName: 'Смирнова',
    patronymic: 'Петровна',
    email: `${externalId}@example.com`,
    phones: [{ number: '+7 916 123-45-67' }],
    address: { index: '125009', city: 'Москва', street: 'Тверская', building: '7', flat: '12' },
    birthday: '1990-05-17',
    sex: 'female',
    customFields: { interests: 'vinyl' },
    subscribed: false,
    contragent: { contragentType: 'individual' },
    ...over,
  });

  before(async () => {
    platform = await createTestPlatform('retailcrm_customers', ['orders', 'customers', 'order-gateway']);
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
    assert.equal((await native('PUT', '/v1/reference-data', demoPult)).status, 200);
    const user = await native('POST', '/v1/users', {
      login: 'crm.manager',
      name: 'Ольга Менеджер',
      groups: ['managers'],
    });
    assert.equal(user.status, 201, JSON.stringify(user.body));
    const key = await native('POST', '/v1/api-keys', {
      name: 'cms module',
      permissions: [
        'orders:read',
        'orders:write',
        'customers:read',
        'customers:write',
        'customers:merge',
        'reference-data:read',
      ],
      sites: ['pult'],
      userId: user.body.id,
    });
    assert.equal(key.status, 201, JSON.stringify(key.body));
    shopKey = key.body.secret as string;
  });

  after(async () => {
    for (const s of [gateway, customers, orders]) await s?.close();
    await platform?.close();
  });

  test('credentials name the customer scopes', async () => {
    const credentials = await get('/api/credentials');
    assert.ok(credentials.body.scopes.includes('customer_read'));
    assert.ok(credentials.body.scopes.includes('customer_write'));
  });

  test('a CMS round trip: customer and order by externalId, read back, edit, history from sinceId, notes', async () => {
    const created = await post('/api/v5/customers/create', {
      site: 'pult',
      customer: crmCustomer('cms-c-1'),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(Object.keys(created.body).sort(), ['id', 'success']);
    const id = created.body.id as number;
    assert.equal(typeof id, 'number');

    const read = await get('/api/v5/customers/cms-c-1', { by: 'externalId', site: 'pult' });
    assert.equal(read.status, 200, JSON.stringify(read.body));
    const customer = read.body.customer as Json;
    assert.equal(customer.type, 'customer');
    assert.equal(customer.id, id);
    assert.equal(customer.externalId, 'cms-c-1');
    assert.equal(customer.site, 'pult');
    assert.match(customer.createdAt, CRM_DATE_TIME);
    assert.equal(customer.firstName, 'Анна');
    assert.equal(customer.patronymic, 'Петровна');
    assert.equal(customer.email, 'cms-c-1@example.com');
    assert.deepEqual(customer.phones, [{ number: '+7 916 123-45-67' }]);
    assert.equal(customer.birthday, '1990-05-17');
    assert.equal(customer.sex, 'female');
    assert.deepEqual(customer.contragent, { contragentType: 'individual' });
    assert.deepEqual(customer.customFields, { interests: 'vinyl' });
    assert.equal(customer.subscribed, false);
    assert.match(customer.emailMarketingUnsubscribedAt, CRM_DATE_TIME);
    assert.equal(customer.address.index, '125009');
    assert.equal(customer.address.city, 'Москва');
    assert.equal(customer.address.isMain, true);
    assert.equal(customer.ordersCount, 0);
    assert.equal(customer.vip, false);
    const byId = await get(`/api/v5/customers/${id}`, { by: 'id' });
    assert.deepEqual(byId.body.customer, customer);
    assert.equal((await get('/api/v5/customers/nobody', { site: 'pult' })).status, 404);

    // An order names its customer by externalId; the answer names it by RetailCRM's id.
    const order = await post('/api/v5/orders/create', {
      site: 'pult',
      order: {
        externalId: 'cms-o-1',
        customer: { externalId: 'cms-c-1' },
        firstName: 'Анна',
        phone: '+79161234567',
        items: [
          { offer: { externalId: 'denon-x1800' }, productName: 'Ресивер', initialPrice: 4999.9, quantity: 1 },
        ],
      },
    });
    assert.equal(order.status, 201, JSON.stringify(order.body));
    assert.equal(order.body.order.customer.id, id);
    assert.equal(order.body.order.customer.externalId, 'cms-c-1');
    const nativeOrder = await native('GET', '/v1/orders/by-external-id/pult/cms-o-1');
    const nativeCustomer = await native('GET', '/v1/customers/by-external-id/pult/cms-c-1');
    assert.equal(nativeOrder.body.customer.customerId, nativeCustomer.body.id);
    const byNumber = await post('/api/v5/orders/create', {
      site: 'pult',
      order: {
        externalId: 'cms-o-2',
        customer: { id },
        items: [{ productName: 'Кабель', initialPrice: 100 }],
      },
    });
    assert.equal(byNumber.status, 201, JSON.stringify(byNumber.body));
    assert.equal((await get('/api/v5/orders/cms-o-2', { site: 'pult' })).body.order.customer.id, id);
    const unknown = await post('/api/v5/orders/create', {
      site: 'pult',
      order: { customer: { externalId: 'nobody' }, items: [{ productName: 'Кабель', initialPrice: 100 }] },
    });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.errors['customer.externalId'], /no customer nobody/);
    // The customers service keeps the metrics from the order events.
    await waitFor(
      async () => (await get('/api/v5/customers/cms-c-1', { site: 'pult' })).body.customer.ordersCount === 2,
      { timeoutMs: 60_000, message: 'the orders counted on the customer' },
    );
    const counted = (await get('/api/v5/customers/cms-c-1', { site: 'pult' })).body.customer;
    assert.equal(counted.totalSumm, 5099.9);
    assert.equal(counted.averageSumm, 2549.95);

    // An edit changes what it names; the v5 PHP client posts it as multipart with the key inside.
    const body = multipart({
      apiKey: shopKey,
      by: 'externalId',
      site: 'pult',
      customer: JSON.stringify({
        firstName: 'Анна-Мария',
        email: 'anna.maria@example.com',
        addTags: ['vip'],
        vip: true,
      }),
    });
    const edited = await answer(
      await fetch(url('/api/v5/customers/cms-c-1/edit'), {
        method: 'POST',
        headers: { 'content-type': body.contentType },
        body: body.body,
      }),
    );
    assert.deepEqual(edited, { status: 200, body: { success: true, id } });
    const after = (await get(`/api/v5/customers/${id}`, { by: 'id' })).body.customer;
    assert.equal(after.firstName, 'Анна-Мария');
    assert.equal(after.email, 'anna.maria@example.com');
    assert.equal(after.vip, true);
    assert.deepEqual(after.tags, [{ name: 'vip', attached: false }]);
    assert.equal(after.address.city, 'Москва', 'what the edit did not name stays');
    const badEdit = await post('/api/v5/customers/cms-c-1/edit', {
      site: 'pult',
      customer: { email: 'not an email', birthday: '1990-13-40' },
    });
    assert.equal(badEdit.status, 400);
    assert.deepEqual(Object.keys(badEdit.body.errors).sort(), ['birthday', 'email']);

    // The list: RetailCRM's one box for name, phone or email; page numbers and counts.
    const byPhone = await get('/api/v5/customers', {
      filter: { name: '8 916 123 45 67' },
      limit: 20,
      page: 1,
    });
    assert.equal(byPhone.status, 200, JSON.stringify(byPhone.body));
    assert.deepEqual(
      byPhone.body.customers.map((c: Json) => c.id),
      [id],
    );
    assert.deepEqual(byPhone.body.pagination, {
      limit: 20,
      totalCount: 1,
      currentPage: 1,
      totalPageCount: 1,
    });
    const byIds = await get('/api/v5/customers', { filter: { ids: [id], externalIds: ['none'] } });
    assert.equal(byIds.body.customers[0].externalId, 'cms-c-1');
    const unsupported = await get('/api/v5/customers', { filter: { isContact: 1 } });
    assert.equal(unsupported.status, 400);
    assert.ok(unsupported.body.errors['filter[isContact]']);

    // History: paged from sinceId as integrations sync, oldest first, RetailCRM's field names.
    const entries = await history(0);
    const mine = entries.filter((e) => e.customer.id === id);
    const creation = mine.find((e) => e.created) as Json;
    assert.equal(creation.field, 'id');
    assert.equal(creation.newValue, id);
    assert.equal(creation.source, 'user', 'a key bound to a manager acts as that manager');
    assert.deepEqual(creation.apiKey, { current: true }, 'the key reading made it: a CMS skips it');
    const asAdmin = await get(
      '/api/v5/customers/history',
      { filter: { sinceId: creation.id - 1 }, limit: 20 },
      TEST_ADMIN_KEY,
    );
    assert.deepEqual(asAdmin.body.history[0].apiKey, { current: false });
    assert.equal(creation.customer.externalId, 'cms-c-1');
    assert.equal(creation.customer.firstName, 'Анна');
    const fields = mine.map((e) => e.field);
    for (const field of ['first_name', 'email', 'tags', 'vip']) assert.ok(fields.includes(field), field);
    assert.equal(mine.find((e) => e.field === 'first_name')?.newValue, 'Анна-Мария');
    const ids = entries.map((e) => e.id);
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
    );
    const ofOne = await get('/api/v5/customers/history', {
      filter: { customerExternalId: 'cms-c-1' },
      site: 'pult',
    });
    assert.ok(ofOne.body.history.every((e: Json) => e.customer.id === id));
    assert.equal(ofOne.body.pagination.totalCount, ofOne.body.history.length);

    // Notes: written by the acting manager, listed by customer, deleted by their id.
    const note = await post('/api/v5/customers/notes/create', {
      site: 'pult',
      note: { customer: { externalId: 'cms-c-1' }, text: 'Перезвонить после праздников' },
    });
    assert.equal(note.status, 201, JSON.stringify(note.body));
    const notes = await get('/api/v5/customers/notes', { filter: { customerIds: [id] } });
    assert.equal(notes.body.notes.length, 1);
    assert.equal(notes.body.notes[0].text, 'Перезвонить после праздников');
    assert.deepEqual(notes.body.notes[0].customer, {
      type: 'customer',
      id,
      externalId: 'cms-c-1',
      site: 'pult',
    });
    assert.match(notes.body.notes[0].createdAt, CRM_DATE_TIME);
    assert.equal(notes.body.pagination.totalCount, 1);
    assert.deepEqual((await post(`/api/v5/customers/notes/${note.body.id}/delete`, {})).body, {
      success: true,
    });
    assert.equal(
      (await get('/api/v5/customers/notes', { filter: { customerIds: [id] } })).body.notes.length,
      0,
    );
  });

  test('upload stores the good customers and answers 460 naming the bad one; fix-external-ids', async () => {
    const upload = await post('/api/v5/customers/upload', {
      site: 'pult',
      customers: [
        crmCustomer('up-1', { phones: [{ number: '+79990000001' }] }),
        crmCustomer('up-2', { email: 'broken' }),
        { firstName: 'Без внешнего id', phones: [{ number: '+79990000003' }] },
      ],
    });
    assert.equal(upload.status, 460, JSON.stringify(upload.body));
    assert.equal(upload.body.success, false);
    assert.equal(upload.body.errorMsg, 'Customers are loaded with errors');
    assert.deepEqual(Object.keys(upload.body.errors), ['1']);
    assert.match(upload.body.errors['1'], /^Customer externalId=up-2: email: /);
    assert.deepEqual(upload.body.failedCustomers, [{ externalId: 'up-2' }]);
    assert.equal(upload.body.uploadedCustomers.length, 2);
    assert.equal(upload.body.uploadedCustomers[0].externalId, 'up-1');
    assert.equal((await get('/api/v5/customers/up-1', { site: 'pult' })).status, 200);
    assert.equal((await get('/api/v5/customers/up-2', { site: 'pult' })).status, 404);

    const anonymous = upload.body.uploadedCustomers[1].id as number;
    const fixed = await post('/api/v5/customers/fix-external-ids', {
      customers: [{ id: anonymous, externalId: 'up-3' }],
    });
    assert.deepEqual(fixed, { status: 200, body: { success: true } });
    assert.equal((await get('/api/v5/customers/up-3', { site: 'pult' })).body.customer.id, anonymous);
  });

  test('combine: two customers become one, the other is gone, its orders and history follow', async () => {
    const first = await post('/api/v5/customers/create', {
      site: 'pult',
      customer: crmCustomer('dup-1', { phones: [{ number: '+79990000021' }] }),
    });
    const second = await post('/api/v5/customers/create', {
      site: 'pult',
      customer: crmCustomer('dup-2', { phones: [{ number: '+79990000022' }], email: 'dup-2@example.com' }),
    });
    const [survivor, merged] = [first.body.id as number, second.body.id as number];
    const order = await post('/api/v5/orders/create', {
      site: 'pult',
      order: {
        externalId: 'cms-o-dup',
        customer: { id: merged },
        items: [{ productName: 'Игла', initialPrice: 990 }],
      },
    });
    assert.equal(order.status, 201, JSON.stringify(order.body));
    const sinceId = (await history(0)).at(-1)?.id as number;

    const combined = await post('/api/v5/customers/combine', {
      customers: [{ id: merged }],
      resultCustomer: { id: survivor },
    });
    assert.deepEqual(combined, { status: 200, body: { success: true } });
    assert.equal((await get(`/api/v5/customers/${merged}`, { by: 'id' })).status, 404);
    const kept = (await get(`/api/v5/customers/${survivor}`, { by: 'id' })).body.customer;
    assert.deepEqual(kept.phones.map((p: Json) => p.number).sort(), ['+79990000021', '+79990000022']);
    const listed = await get('/api/v5/customers', { filter: { ids: [survivor, merged] } });
    assert.deepEqual(
      listed.body.customers.map((c: Json) => c.id),
      [survivor],
    );
    // The orders service moves the merged customer's orders to the survivor (customer.merged).
    await waitFor(
      async () =>
        (await get('/api/v5/orders/cms-o-dup', { site: 'pult' })).body.order.customer.id === survivor,
      { timeoutMs: 60_000, message: 'the order moved to the survivor' },
    );
    const gone = (await history(sinceId)).find((e: Json) => e.deleted) as Json;
    assert.deepEqual(
      [gone.field, gone.oldValue, gone.newValue, gone.customer.id, gone.combinedTo],
      ['id', merged, null, merged, { id: survivor, externalId: 'dup-1', site: 'pult' }],
    );
    const again = await post('/api/v5/customers/combine', {
      customers: [{ id: merged }],
      resultCustomer: { id: survivor },
    });
    assert.equal(again.status, 404, JSON.stringify(again.body));
  });

  test('corporate customers with their companies, contacts and addresses', async () => {
    const person = await post('/api/v5/customers/create', {
      site: 'pult',
      customer: crmCustomer('corp-contact', { phones: [{ number: '+79990000010' }] }),
    });
    const personId = person.body.id as number;
    const created = await post('/api/v5/customers-corporate/create', {
      site: 'pult',
      customerCorporate: {
        externalId: 'corp-1',
        nickName: 'Звук и Свет',
        companies: [
          {
            name: 'ООО «Звук и Свет»',
            isMain: true,
            contragent: { contragentType: 'legal-entity', INN: '7701234567', KPP: '770101001' },
          },
        ],
        customerContacts: [{ isMain: true, customer: { externalId: 'corp-contact' } }],
        addresses: [{ text: 'Москва, Тверская, 7', isMain: true }],
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id as number;
    assert.ok(id > personId, 'one numbering for both kinds');

    const read = await get(`/api/v5/customers-corporate/${id}`, { by: 'id' });
    assert.equal(read.status, 200, JSON.stringify(read.body));
    const corporate = read.body.customerCorporate as Json;
    assert.equal(corporate.type, 'customer_corporate');
    assert.equal(corporate.nickName, 'Звук и Свет');
    assert.equal(corporate.externalId, 'corp-1');
    assert.match(corporate.createdAt, CRM_DATE_TIME);
    assert.equal(corporate.companies[0].contragent.INN, '7701234567');
    assert.equal(corporate.companies[0].contragent.contragentType, 'legal-entity');
    assert.deepEqual(corporate.mainCompany, { id: corporate.companies[0].id, name: 'ООО «Звук и Свет»' });
    assert.deepEqual(corporate.customerContacts[0].customer, {
      id: personId,
      externalId: 'corp-contact',
      site: 'pult',
    });
    assert.equal(corporate.mainCustomerContact.id, personId);
    assert.equal(corporate.addresses[0].text, 'Москва, Тверская, 7');
    assert.deepEqual(
      (await get('/api/v5/customers-corporate/corp-1', { site: 'pult' })).body.customerCorporate,
      corporate,
    );

    const edited = await post('/api/v5/customers-corporate/corp-1/edit', {
      site: 'pult',
      customerCorporate: { nickName: 'Звук и Свет Опт', managerId: '' },
    });
    assert.deepEqual(edited.body, { success: true, id });
    const listed = await get('/api/v5/customers-corporate', { filter: { contragentInn: '7701234567' } });
    assert.deepEqual(
      listed.body.customersCorporate.map((c: Json) => c.nickName),
      ['Звук и Свет Опт'],
    );
    assert.equal(listed.body.pagination.totalCount, 1);

    const company = await post(`/api/v5/customers-corporate/${id}/companies/create`, {
      by: 'id',
      company: {
        name: 'ИП Иванов',
        contragent: { contragentType: 'enterpreneur', OGRNIP: '304500116000157' },
      },
    });
    assert.equal(company.status, 201, JSON.stringify(company.body));
    const companyId = company.body.id as string;
    const companyEdit = await post(`/api/v5/customers-corporate/${id}/companies/${companyId}/edit`, {
      by: 'id',
      entityBy: 'id',
      company: { contragent: { INN: '500100732259' } },
    });
    assert.deepEqual(companyEdit.body, { success: true, id: companyId });
    const companies = await get(`/api/v5/customers-corporate/${id}/companies`, { by: 'id', limit: 20 });
    const ip = companies.body.companies.find((c: Json) => c.id === companyId);
    assert.deepEqual(ip.contragent, {
      contragentType: 'enterpreneur',
      INN: '500100732259',
      OGRNIP: '304500116000157',
    });
    assert.equal(companies.body.pagination.totalCount, 2);
    const badCompany = await post(`/api/v5/customers-corporate/${id}/companies/create`, {
      by: 'id',
      company: { name: 'Неверный ИНН', contragent: { INN: '123' } },
    });
    assert.equal(badCompany.status, 400);
    assert.ok(badCompany.body.errors['company.contragent.INN'], JSON.stringify(badCompany.body));

    const contact = await post(`/api/v5/customers-corporate/${id}/contacts/${personId}/edit`, {
      by: 'id',
      entityBy: 'id',
      contact: { companies: [{ id: companyId }] },
    });
    assert.deepEqual(contact.body, { success: true, id: personId });
    const contacts = await get(`/api/v5/customers-corporate/${id}/contacts`, {
      by: 'id',
      filter: { contactIds: [personId] },
    });
    assert.deepEqual(contacts.body.contacts[0].companies, [
      { id: companyId, company: { id: companyId, name: 'ИП Иванов' } },
    ]);

    const address = await post(`/api/v5/customers-corporate/${id}/addresses/create`, {
      by: 'id',
      address: { city: 'Тверь', street: 'Советская', building: '1' },
    });
    assert.equal(address.status, 201, JSON.stringify(address.body));
    const addressEdit = await post(`/api/v5/customers-corporate/${id}/addresses/${address.body.id}/edit`, {
      by: 'id',
      entityBy: 'id',
      address: { flat: '3' },
    });
    assert.equal(addressEdit.status, 200, JSON.stringify(addressEdit.body));
    const addresses = await get(`/api/v5/customers-corporate/${id}/addresses`, {
      by: 'id',
      filter: { ids: [address.body.id] },
    });
    assert.deepEqual(
      [
        addresses.body.addresses[0].city,
        addresses.body.addresses[0].flat,
        addresses.body.addresses[0].isMain,
      ],
      ['Тверь', '3', false],
    );
  });
});
