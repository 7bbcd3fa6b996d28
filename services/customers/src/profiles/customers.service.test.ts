import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  PreconditionError,
  TOPICS,
  ValidationError,
} from '@openretail/contracts';
import type { ServiceOrm } from '@openretail/persistence';
import { CustomerHistoryService } from '../history/customer-history.service';
import { CustomerNotesService } from '../notes/customer-notes.service';
import type { Caller } from '../shared/caller';
import { customersTestDatabase, outboxOf } from '../test-support/database';
import { testReferenceDataProvider } from '../test-support/reference-data';
import { CustomersService } from './customers.service';

const admin: Caller = { source: 'api', sites: 'all' };
const manager: Caller = { source: 'manager', userId: 'u-7', sites: ['pult'] };
const minskOnly: Caller = { source: 'api', sites: ['minsk'] };

describe('CustomersService over PostgreSQL', () => {
  let orm: ServiceOrm;
  let close: () => Promise<void>;
  let customers: CustomersService;
  let notes: CustomerNotesService;
  let history: CustomerHistoryService;

  before(async () => {
    ({ orm, close } = await customersTestDatabase('customers_service'));
    const ref = testReferenceDataProvider();
    customers = new CustomersService(orm, ref);
    notes = new CustomerNotesService(orm);
    history = new CustomerHistoryService(orm, ref);
  });
  after(() => close?.());

  test('a create stores the profile, its created entry and customer.created in one go', async () => {
    const view = await customers.create(
      {
        site: 'pult',
        externalId: 'crm-1',
        firstName: 'Анна',
        phones: ['8 916 123-45-67'],
        emails: ['Anna@Example.com'],
      },
      admin,
      'create-1',
    );
    assert.equal(view.version, 1);
    assert.deepEqual(view.metrics, { ordersCount: 0, cancellations: 0 });
    const fetched = await customers.get({ site: 'pult', externalId: 'crm-1' }, admin);
    assert.deepEqual(fetched, view);
    const entries = await history.history({ afterId: 0, customerId: view.customer.id }, admin);
    assert.deepEqual(
      entries.entries.map((e) => [e.field, e.customerKind, e.customerVersion, e.source]),
      [['created', 'individual', 1, 'api']],
    );
    const outbox = await outboxOf(orm, view.customer.id);
    assert.deepEqual(
      outbox.map((o) => [o.event_type, o.topic]),
      [['customer.created', TOPICS.customerEvents.name]],
    );
    const summary = outbox[0].envelope.payload.customer as Record<string, unknown>;
    assert.deepEqual(summary.phones, ['+79161234567']);
    assert.deepEqual(summary.emails, ['anna@example.com']);
  });

  test('a retry returns the first customer; the same key or externalId with other content is a conflict', async () => {
    const body = { site: 'pult', firstName: 'Борис', phones: ['+79990000001'] };
    const first = await customers.create(body, admin, 'retry-1');
    assert.deepEqual(await customers.create({ ...body }, admin, 'retry-1'), first);
    await assert.rejects(customers.create({ ...body, firstName: 'Глеб' }, admin, 'retry-1'), ConflictError);
    const withExternal = { site: 'pult', externalId: 'crm-2', firstName: 'Вера' };
    const created = await customers.create(withExternal, admin);
    assert.equal((await customers.create(withExternal, admin)).customer.id, created.customer.id);
    await assert.rejects(customers.create({ ...withExternal, firstName: 'Вероника' }, admin), ConflictError);
  });

  test('concurrent creates of one request make one customer', async () => {
    const body = { site: 'pult', externalId: 'race-1', firstName: 'Дарья' };
    const views = await Promise.all(
      Array.from({ length: 5 }, () => customers.create(body, admin, 'race-key')),
    );
    assert.equal(new Set(views.map((v) => v.customer.id)).size, 1);
  });

  test('an edit bumps the version, writes history per field and customer.updated; a stale version is refused', async () => {
    const { customer } = await customers.create(
      { site: 'pult', firstName: 'Елена', emails: ['elena@example.com'] },
      admin,
    );
    const edited = await customers.update(
      { id: customer.id },
      { lastName: 'Смирнова', consent: { email: 'granted' }, tags: ['vip'] },
      ['lastName', 'consent.email', 'tags'],
      manager,
      1,
    );
    assert.equal(edited.version, 2);
    assert.equal(edited.customer.consent.email?.source, 'manager');
    await assert.rejects(
      customers.update({ id: customer.id }, { firstName: 'Лена' }, ['firstName'], manager, 1),
      ConflictError,
    );
    const same = await customers.update(
      { id: customer.id },
      { lastName: 'Смирнова' },
      ['lastName'],
      manager,
      2,
    );
    assert.equal(same.version, 2, 'an edit to the same values changes nothing');
    const { entries } = await history.history({ afterId: 0, customerId: customer.id }, admin);
    assert.deepEqual(
      entries.map((e) => [e.field, e.customerVersion, e.userId ?? null]),
      [
        ['created', 1, null],
        ['consent.email', 2, 'u-7'],
        ['lastName', 2, 'u-7'],
        ['tags[vip]', 2, 'u-7'],
      ],
    );
    const outbox = await outboxOf(orm, customer.id);
    assert.deepEqual(
      outbox.map((o) => o.event_type),
      ['customer.created', 'customer.updated'],
    );
    assert.deepEqual(outbox[1].envelope.payload.changedFields, ['consent.email', 'lastName', 'tags[vip]']);
  });

  test('bad input names every field and stores nothing', async () => {
    await assert.rejects(
      customers.create(
        { site: 'pult', firstName: 'Ж', phones: ['call me'], birthday: 'tomorrow', color: 'red' },
        admin,
      ),
      (e) =>
        e instanceof ValidationError &&
        JSON.stringify(e.violations.map((v) => v.field).sort()) ===
          JSON.stringify(['birthday', 'color', 'phones[0]']),
    );
    const { views } = await customers.list({ sites: ['pult'], pageSize: 100 }, admin);
    assert.ok(views.every((v) => v.customer.firstName !== 'Ж'));
  });

  test('a caller limited to sites cannot see or write customers of other sites', async () => {
    const { customer } = await customers.create(
      { site: 'pult', externalId: 'crm-hidden', firstName: 'Зоя' },
      admin,
    );
    await assert.rejects(customers.get({ id: customer.id }, minskOnly), NotFoundError);
    await assert.rejects(customers.get({ site: 'pult', externalId: 'crm-hidden' }, minskOnly), NotFoundError);
    await assert.rejects(customers.update({ id: customer.id }, {}, ['firstName'], minskOnly), NotFoundError);
    await assert.rejects(
      customers.create({ site: 'pult', firstName: 'Ия' }, minskOnly),
      PermissionDeniedError,
    );
    await assert.rejects(customers.list({ sites: ['pult'] }, minskOnly), ValidationError);
    assert.deepEqual((await customers.list({}, minskOnly)).views, []);
    await assert.rejects(history.history({ afterId: 0, customerId: customer.id }, minskOnly), NotFoundError);
    const all = await history.history({ afterId: 0 }, minskOnly);
    assert.deepEqual(all.entries, []);
    await assert.rejects(notes.add({ id: customer.id }, { text: 'x' }, minskOnly), NotFoundError);
  });

  test('lists page newest first by a token, with filters', async () => {
    const made = [];
    for (let i = 0; i < 5; i++) {
      made.push(
        await customers.create(
          {
            site: 'minsk',
            firstName: `Page ${i}`,
            tags: i % 2 ? ['b2b'] : [],
            vip: i === 4,
            managerId: 'm-1',
          },
          admin,
        ),
      );
    }
    const first = await customers.list({ sites: ['minsk'], pageSize: 2 }, admin);
    const second = await customers.list(
      { sites: ['minsk'], pageSize: 2, pageToken: first.nextPageToken },
      admin,
    );
    const third = await customers.list(
      { sites: ['minsk'], pageSize: 2, pageToken: second.nextPageToken },
      admin,
    );
    assert.deepEqual(
      [...first.views, ...second.views, ...third.views].map((v) => v.customer.firstName),
      ['Page 4', 'Page 3', 'Page 2', 'Page 1', 'Page 0'],
    );
    assert.equal(third.nextPageToken, undefined);
    const tagged = await customers.list({ sites: ['minsk'], tags: ['b2b'] }, admin);
    assert.deepEqual(
      tagged.views.map((v) => v.customer.firstName),
      ['Page 3', 'Page 1'],
    );
    assert.deepEqual(
      (await customers.list({ sites: ['minsk'], vip: true, managerId: 'm-1' }, admin)).views.map(
        (v) => v.customer.firstName,
      ),
      ['Page 4'],
    );
    await assert.rejects(customers.list({ pageToken: 'nonsense' }, admin), ValidationError);
  });

  test('search by a phone in any format, an email in any case, or parts of the name', async () => {
    const { customer } = await customers.create(
      {
        site: 'pult',
        firstName: 'Фёдор',
        lastName: 'Достоевский',
        patronymic: 'Михайлович',
        phones: ['+7 (921) 555-44-33'],
        emails: ['fedor@example.com'],
      },
      admin,
    );
    const ids = (views: { customer: { id: string } }[]) => views.map((v) => v.customer.id);
    assert.deepEqual(ids(await customers.search({ phone: '8 921 555 44 33' }, admin)), [customer.id]);
    assert.deepEqual(ids(await customers.search({ email: ' FEDOR@example.COM' }, admin)), [customer.id]);
    assert.deepEqual(ids(await customers.search({ name: 'федор достоев' }, admin)), [customer.id]);
    assert.deepEqual(ids(await customers.search({ name: 'федор', phone: '+79215554433' }, admin)), [
      customer.id,
    ]);
    assert.deepEqual(await customers.search({ name: 'федор', email: 'other@example.com' }, admin), []);
    assert.deepEqual(await customers.search({ phone: '+79215554433' }, minskOnly), []);
    assert.deepEqual(await customers.search({ name: '100%_' }, admin), []);
    await assert.rejects(customers.search({}, admin), ValidationError);
    await assert.rejects(customers.search({ phone: 'abc' }, admin), ValidationError);
  });

  test('notes: added with author and time, listed newest first, deleted; each in the history', async () => {
    const { customer } = await customers.create({ site: 'pult', firstName: 'Кира' }, admin);
    const first = await notes.add({ id: customer.id }, { text: 'Любит винил' }, manager);
    const second = await notes.add({ id: customer.id }, { text: 'Перезвонить в среду' }, manager);
    assert.equal(first.authorId, 'u-7');
    const page = await notes.list({ id: customer.id }, admin, { pageSize: 1 });
    assert.deepEqual(
      page.notes.map((n) => n.text),
      ['Перезвонить в среду'],
    );
    const rest = await notes.list({ id: customer.id }, admin, { pageSize: 1, pageToken: page.nextPageToken });
    assert.deepEqual(
      rest.notes.map((n) => n.id),
      [first.id],
    );
    await notes.delete({ id: customer.id }, second.id, manager);
    await assert.rejects(notes.delete({ id: customer.id }, second.id, manager), NotFoundError);
    await assert.rejects(notes.add({ id: customer.id }, { text: '  ' }, manager), ValidationError);
    const { entries } = await history.history({ afterId: 0, customerId: customer.id }, admin);
    assert.deepEqual(
      entries.map((e) => [e.field, e.oldValue === null, e.newValue === null]),
      [
        ['created', true, false],
        [`notes[${first.id}]`, true, false],
        [`notes[${second.id}]`, true, false],
        [`notes[${second.id}]`, false, true],
      ],
    );
    assert.equal(
      (await customers.get({ id: customer.id }, admin)).version,
      1,
      'notes do not change the version',
    );
  });

  test('a profile merged away can be read but not changed', async () => {
    const { customer: survivor } = await customers.create({ site: 'pult', firstName: 'Лев' }, admin);
    const { customer: merged } = await customers.create({ site: 'pult', firstName: 'Лёва' }, admin);
    await orm.em
      .fork()
      .getConnection()
      .execute('update customers set merged_into = ? where id = ?', [survivor.id, merged.id]);
    assert.equal((await customers.get({ id: merged.id }, admin)).mergedInto, survivor.id);
    await assert.rejects(
      customers.update({ id: merged.id }, { firstName: 'Лёвушка' }, ['firstName'], admin),
      PreconditionError,
    );
    const listed = await customers.list({ sites: ['pult'], pageSize: 100 }, admin);
    assert.ok(!listed.views.some((v) => v.customer.id === merged.id), 'lists leave merged profiles out');
    const withMerged = await customers.list({ sites: ['pult'], pageSize: 100, includeMerged: true }, admin);
    assert.ok(withMerged.views.some((v) => v.customer.id === merged.id));
  });

  test('the history cursor reads every site the caller may see, after an id', async () => {
    const all = await history.history({ afterId: 0, limit: 1000 }, admin);
    assert.ok(all.entries.length > 5);
    const ids = all.entries.map((e) => e.id);
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
    );
    const tail = await history.history({ afterId: ids[2], limit: 2 }, admin);
    assert.deepEqual(
      tail.entries.map((e) => e.id),
      ids.slice(3, 5),
    );
    assert.equal(tail.lastId, ids[4]);
    const minsk = await history.history({ afterId: 0, sites: ['minsk'], limit: 1000 }, admin);
    assert.ok(minsk.entries.length > 0 && minsk.entries.every((e) => e.site === 'minsk'));
    await assert.rejects(history.history({ afterId: -1 }, admin), ValidationError);
  });
});
