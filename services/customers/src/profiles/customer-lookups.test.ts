import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout } from 'node:timers/promises';
import { NotFoundError, ValidationError } from '@openretail/contracts';
import type { ServiceOrm } from '@openretail/persistence';
import { CorporateCustomersService } from '../corporate/corporate.service';
import { CustomerHistoryService } from '../history/customer-history.service';
import { CustomerNotesService } from '../notes/customer-notes.service';
import type { Caller } from '../shared/caller';
import { customersTestDatabase } from '../test-support/database';
import { testReferenceDataProvider } from '../test-support/reference-data';
import { Customer } from './customer.entity';
import { CustomersService } from './customers.service';

/**
 * What integrations that name customers by numbers and page by page numbers need (RetailCRM's API):
 * numeric ids, lists by ids and by a free query, metrics ranges, offsets and counts, history by
 * kind and time, notes across customers.
 */
const admin: Caller = { source: 'api', sites: 'all' };
const pultOnly: Caller = { source: 'api', sites: ['pult'] };

describe('customer lookups over PostgreSQL', () => {
  let orm: ServiceOrm;
  let close: () => Promise<void>;
  let customers: CustomersService;
  let corporate: CorporateCustomersService;
  let notes: CustomerNotesService;
  let history: CustomerHistoryService;

  before(async () => {
    ({ orm, close } = await customersTestDatabase('customer_lookups'));
    const ref = testReferenceDataProvider();
    customers = new CustomersService(orm, ref);
    corporate = new CorporateCustomersService(orm, ref);
    notes = new CustomerNotesService(orm);
    history = new CustomerHistoryService(orm, ref);
  });
  after(() => close?.());

  test('individual and corporate customers are numbered from one sequence, readable by number', async () => {
    const anna = await customers.create({ site: 'pult', firstName: 'Анна' }, admin);
    const firm = await corporate.create({ site: 'pult', name: 'Звук и Свет' }, admin);
    const boris = await customers.create({ site: 'pult', firstName: 'Борис' }, admin);
    assert.ok(anna.numericId > 0);
    assert.equal(firm.numericId, anna.numericId + 1);
    assert.equal(boris.numericId, firm.numericId + 1);
    assert.deepEqual(await customers.get({ numericId: anna.numericId }, admin), anna);
    assert.equal((await corporate.get({ numericId: firm.numericId }, admin)).corporate.id, firm.corporate.id);
    await assert.rejects(customers.get({ numericId: firm.numericId }, admin), NotFoundError);
    await assert.rejects(
      customers.get({ numericId: anna.numericId }, { source: 'api', sites: ['minsk'] }),
      NotFoundError,
    );
  });

  test('lists by ids, numeric ids and external ids, by a free query, email and sex, with offsets and counts', async () => {
    const made = [];
    for (let i = 0; i < 4; i++) {
      made.push(
        await customers.create(
          {
            site: 'minsk',
            externalId: `ext-${i}`,
            firstName: ['Ирина', 'Пётр', 'Ольга', 'Иван'][i],
            lastName: 'Ковалёва',
            phones: [`+37529${1000000 + i}`],
            emails: [`Person${i}@Example.com`],
            sex: i % 2 ? 'male' : 'female',
          },
          admin,
        ),
      );
    }
    const names = (r: { views: { customer: { firstName?: string } }[] }) =>
      r.views.map((v) => v.customer.firstName);
    assert.deepEqual(
      names(
        await customers.list(
          {
            sites: ['minsk'],
            ids: [made[0].customer.id, 'not-a-uuid'],
            numericIds: [made[1].numericId],
            externalIds: ['ext-2'],
          },
          admin,
        ),
      ),
      ['Ольга', 'Пётр', 'Ирина'],
    );
    assert.deepEqual(names(await customers.list({ sites: ['minsk'], query: '8 029 100-00-03' }, admin)), [
      'Иван',
    ]);
    assert.deepEqual(names(await customers.list({ sites: ['minsk'], query: 'person1@example.COM' }, admin)), [
      'Пётр',
    ]);
    assert.deepEqual(names(await customers.list({ sites: ['minsk'], query: 'ковалева ир' }, admin)), [
      'Ирина',
    ]);
    assert.deepEqual(
      names(await customers.list({ sites: ['minsk'], email: ' PERSON2@example.com ' }, admin)),
      ['Ольга'],
    );
    assert.deepEqual(names(await customers.list({ sites: ['minsk'], sex: 'male' }, admin)), ['Иван', 'Пётр']);
    const page2 = await customers.list({ sites: ['minsk'], pageSize: 3, offset: 3, countTotal: true }, admin);
    assert.deepEqual([names(page2), page2.totalCount], [['Ирина'], 4]);
    await assert.rejects(
      customers.list({ offset: 2, pageToken: page2.nextPageToken ?? 'x' }, admin),
      ValidationError,
    );
  });

  test('metrics ranges: orders count, money in the metrics currency, first and last order times', async () => {
    const a = await customers.create({ site: 'pult', firstName: 'Метрика А' }, admin);
    const b = await customers.create({ site: 'pult', firstName: 'Метрика Б' }, admin);
    const em = orm.em.fork();
    await em.nativeUpdate(
      Customer,
      { id: a.customer.id },
      {
        ordersCount: 3,
        metricsCurrency: 'RUB',
        totalSpentMinor: 900_00,
        averageCheckMinor: 300_00,
        firstOrderAt: new Date('2024-01-10T10:00:00Z'),
        lastOrderAt: new Date('2024-03-01T10:00:00Z'),
      },
    );
    await em.nativeUpdate(
      Customer,
      { id: b.customer.id },
      {
        ordersCount: 1,
        metricsCurrency: 'RUB',
        totalSpentMinor: 50_00,
        averageCheckMinor: 50_00,
        firstOrderAt: new Date('2024-02-10T10:00:00Z'),
        lastOrderAt: new Date('2024-02-10T10:00:00Z'),
      },
    );
    const ids = [a.customer.id, b.customer.id];
    const names = async (filter: Parameters<CustomersService['list']>[0]) =>
      (await customers.list({ ids, ...filter }, admin)).views.map((v) => v.customer.firstName);
    assert.deepEqual(await names({ ordersCount: { min: 2 } }), ['Метрика А']);
    assert.deepEqual(await names({ ordersCount: { max: 1 } }), ['Метрика Б']);
    assert.deepEqual(await names({ totalSpent: { min: { amountMinor: 900_00, currency: 'RUB' } } }), [
      'Метрика А',
    ]);
    assert.deepEqual(await names({ totalSpent: { min: { amountMinor: 1, currency: 'BYN' } } }), []);
    assert.deepEqual(await names({ averageCheck: { max: { amountMinor: 100_00, currency: 'RUB' } } }), [
      'Метрика Б',
    ]);
    assert.deepEqual(await names({ firstOrderAt: { min: new Date('2024-02-01T00:00:00Z') } }), ['Метрика Б']);
    assert.deepEqual(await names({ lastOrderAt: { max: new Date('2024-03-01T10:00:00Z') } }), ['Метрика Б']);
    await assert.rejects(
      names({
        totalSpent: { min: { amountMinor: 1, currency: 'RUB' }, max: { amountMinor: 2, currency: 'BYN' } },
      }),
      ValidationError,
    );
  });

  test('corporate lists by numeric and external ids, with offsets and counts', async () => {
    const made = [];
    for (let i = 0; i < 3; i++) {
      made.push(
        await corporate.create({ site: 'minsk', externalId: `corp-${i}`, name: `Фирма ${i}` }, admin),
      );
    }
    const picked = await corporate.list(
      { sites: ['minsk'], numericIds: [made[0].numericId], externalIds: ['corp-2'], countTotal: true },
      admin,
    );
    assert.deepEqual(
      [picked.views.map((v) => v.corporate.name), picked.totalCount],
      [['Фирма 2', 'Фирма 0'], 2],
    );
    const second = await corporate.list({ sites: ['minsk'], pageSize: 2, offset: 2 }, admin);
    assert.deepEqual(
      second.views.map((v) => v.corporate.name),
      ['Фирма 0'],
    );
  });

  test('history by kind and time window fills its page past the other kind, counts, and names the API key', async () => {
    const start = await history.history({ afterId: 0, limit: 1000 }, admin);
    const cursor = start.lastId;
    const from = new Date();
    for (let i = 0; i < 3; i++) {
      await corporate.create({ site: 'pult', name: `История ${i}` }, admin);
    }
    const person = await customers.create(
      { site: 'pult', firstName: 'После фирм' },
      { ...admin, apiKeyId: 'key-7' },
    );
    const page = await history.history(
      { afterId: cursor, limit: 1, customerKind: 'individual', countTotal: true },
      admin,
    );
    assert.deepEqual(
      page.entries.map((e) => [e.customerId, e.field, e.apiKeyId]),
      [[person.customer.id, 'created', 'key-7']],
    );
    assert.equal(page.totalCount, 1);
    assert.equal(page.lastId, page.entries[0].id);
    const corporateOnes = await history.history(
      { afterId: cursor, customerKind: 'corporate', from, countTotal: true },
      admin,
    );
    assert.equal(corporateOnes.entries.length, 3);
    assert.equal(corporateOnes.totalCount, 3);
    const before = await history.history({ afterId: cursor, to: from }, admin);
    assert.deepEqual(before.entries, []);
    await assert.rejects(history.history({ afterId: 0, customerKind: 'robot' }, admin), ValidationError);
  });

  test('notes across customers and sites, paged by offset; a note deleted by its id alone', async () => {
    const pult = await customers.create({ site: 'pult', firstName: 'Заметки П' }, admin);
    const minsk = await customers.create({ site: 'minsk', firstName: 'Заметки М' }, admin);
    // Apart in time, so that newest first is one order.
    const n1 = await notes.add({ id: pult.customer.id }, { text: 'первая' }, admin);
    await setTimeout(5);
    const n2 = await notes.add({ id: minsk.customer.id }, { text: 'вторая' }, admin);
    await setTimeout(5);
    const n3 = await notes.add({ id: pult.customer.id }, { text: 'третья' }, admin);
    const ids = [pult.customer.id, minsk.customer.id];
    const both = await notes.list(undefined, admin, { customerIds: ids, countTotal: true });
    assert.deepEqual([both.notes.map((n) => n.id), both.totalCount], [[n3.id, n2.id, n1.id], 3]);
    const second = await notes.list(undefined, admin, { customerIds: ids, pageSize: 2, offset: 2 });
    assert.deepEqual(
      second.notes.map((n) => n.id),
      [n1.id],
    );
    const onlyPult = await notes.list(undefined, pultOnly, { customerIds: ids });
    assert.deepEqual(
      onlyPult.notes.map((n) => n.id),
      [n3.id, n1.id],
    );
    await assert.rejects(notes.list(undefined, pultOnly, { sites: ['minsk'] }), ValidationError);
    await assert.rejects(notes.delete(undefined, n2.id, pultOnly), NotFoundError);
    await notes.delete(undefined, n2.id, admin);
    const left = await notes.list({ id: minsk.customer.id }, admin, {});
    assert.deepEqual(left.notes, []);
  });
});
