import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictError, NotFoundError, ValidationError } from '@openretail/contracts';
import type { ServiceOrm } from '@openretail/persistence';
import { CustomerHistoryService } from '../history/customer-history.service';
import { CustomersService } from '../profiles/customers.service';
import type { Caller } from '../shared/caller';
import { customersTestDatabase, outboxOf } from '../test-support/database';
import { testReferenceDataProvider } from '../test-support/reference-data';
import { CorporateCustomersService } from './corporate.service';

const admin: Caller = { source: 'api', sites: 'all' };
const minskOnly: Caller = { source: 'api', sites: ['minsk'] };
const fields = (e: unknown) => (e instanceof ValidationError ? e.violations.map((v) => v.field).sort() : e);

describe('CorporateCustomersService over PostgreSQL', () => {
  let orm: ServiceOrm;
  let close: () => Promise<void>;
  let corporate: CorporateCustomersService;
  let customers: CustomersService;
  let history: CustomerHistoryService;
  let buyer: string;

  before(async () => {
    ({ orm, close } = await customersTestDatabase('corporate_service'));
    const ref = testReferenceDataProvider();
    corporate = new CorporateCustomersService(orm, ref);
    customers = new CustomersService(orm, ref);
    history = new CustomerHistoryService(orm, ref);
    buyer = (await customers.create({ site: 'pult', firstName: 'Олег', phones: ['+79160000001'] }, admin))
      .customer.id;
  });
  after(() => close?.());

  const company = { name: 'ООО Звук', inn: '7701234567', kpp: '770101001', bik: '044525225', main: true };

  test('created with companies, contacts and addresses; read back by id and externalId', async () => {
    const view = await corporate.create(
      {
        site: 'pult',
        externalId: 'b2b-1',
        name: 'Звук и Свет',
        companies: [company],
        contacts: [{ customerId: buyer, role: 'buyer', main: true }],
        addresses: [{ name: 'Склад', city: 'Москва', street: 'Складская', main: true }],
      },
      admin,
      'corp-1',
    );
    assert.equal(view.version, 1);
    assert.equal(view.corporate.companies[0].inn, '7701234567');
    assert.deepEqual(await corporate.get({ site: 'pult', externalId: 'b2b-1' }, admin), view);
    assert.equal(
      (await corporate
        .create({ site: 'pult', externalId: 'b2b-1', name: 'Другой' }, admin)
        .catch((e) => e)) instanceof ConflictError,
      true,
    );
    const outbox = await outboxOf(orm, view.corporate.id);
    assert.deepEqual(
      outbox.map((o) => o.event_type),
      ['corporate.created'],
    );
  });

  test('companies, contacts and addresses change one at a time, each a new version with its history', async () => {
    const { corporate: c } = await corporate.create({ site: 'pult', name: 'Винил Опт' }, admin);
    const key = { id: c.id };
    let view = await corporate.execute(key, { kind: 'company-add', input: company }, admin, 1);
    const companyId = view.corporate.companies[0].id;
    view = await corporate.execute(
      key,
      { kind: 'company-add', input: { name: 'ИП Петров', inn: '500100732259', main: true } },
      admin,
    );
    assert.deepEqual(
      view.corporate.companies.map((co) => [co.name, co.main]),
      [
        ['ООО Звук', false],
        ['ИП Петров', true],
      ],
      'a new main company takes the mark from the old one',
    );
    view = await corporate.execute(
      key,
      { kind: 'company-update', id: companyId, input: { kpp: '770201001' }, mask: ['kpp'] },
      admin,
    );
    view = await corporate.execute(
      key,
      { kind: 'contact-add', input: { customerId: buyer, role: 'accountant', companyId } },
      admin,
    );
    view = await corporate.execute(
      key,
      { kind: 'address-add', input: { text: 'Москва, Тверская 7' } },
      admin,
    );
    view = await corporate.execute(key, { kind: 'company-remove', id: companyId }, admin);
    assert.equal(
      view.corporate.contacts[0].companyId,
      undefined,
      'the contact no longer acts for the removed company',
    );
    assert.equal(view.version, 7);
    await assert.rejects(
      corporate.execute(key, { kind: 'contact-remove', customerId: buyer }, admin, 6),
      ConflictError,
    );
    const { entries } = await history.history({ afterId: 0, customerId: c.id }, admin);
    assert.deepEqual(
      entries.map((e) => e.field.replace(/\[[^\]]+\]/g, '[]')),
      [
        'created',
        'companies[]',
        'companies[].main',
        'companies[]',
        'companies[].kpp',
        'contacts[]',
        'addresses[]',
        'companies[]',
        'contacts[].companyId',
      ],
    );
    assert.ok(entries.every((e) => e.customerKind === 'corporate'));
  });

  test('a contact must be a customer of the same site; a company must be a known one', async () => {
    const { corporate: c } = await corporate.create({ site: 'pult', name: 'Контакты' }, admin);
    const stranger = (await customers.create({ site: 'minsk', firstName: 'Ян' }, admin)).customer.id;
    await assert.rejects(
      corporate.execute({ id: c.id }, { kind: 'contact-add', input: { customerId: stranger } }, admin),
      (e) => JSON.stringify(fields(e)) === JSON.stringify(['contact.customerId']),
    );
    await assert.rejects(
      corporate.execute(
        { id: c.id },
        {
          kind: 'contact-add',
          input: { customerId: buyer, companyId: '00000000-0000-4000-8000-000000000000' },
        },
        admin,
      ),
      (e) => JSON.stringify(fields(e)) === JSON.stringify(['contacts[0].companyId']),
    );
    await assert.rejects(
      corporate.create({ site: 'pult', name: '', companies: [{ inn: '12' }], color: 'red' }, admin),
      (e) =>
        JSON.stringify(fields(e)) ===
        JSON.stringify(['color', 'companies[0].inn', 'companies[0].name', 'name']),
    );
  });

  test("lists by name, INN and contact person: a buyer's linked corporate customers", async () => {
    const other = await corporate.create(
      { site: 'pult', name: 'Свет Севера', contacts: [{ customerId: buyer }] },
      admin,
    );
    const linked = await corporate.list({ contactCustomerId: buyer }, admin);
    assert.ok(linked.views.length >= 2);
    assert.ok(linked.views.every((v) => v.corporate.contacts.some((ct) => ct.customerId === buyer)));
    const named = await corporate.list({ name: 'севера' }, admin);
    assert.deepEqual(
      named.views.map((v) => v.corporate.id),
      [other.corporate.id],
    );
    const byInn = await corporate.list({ inn: '7701234567' }, admin);
    assert.ok(
      byInn.views.length >= 1 &&
        byInn.views.every((v) => v.corporate.companies.some((co) => co.inn === '7701234567')),
    );
    assert.deepEqual((await corporate.list({}, minskOnly)).views, []);
    await assert.rejects(corporate.get({ id: other.corporate.id }, minskOnly), NotFoundError);
  });
});
