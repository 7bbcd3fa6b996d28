import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError, type CustomerJson } from '@openretail/contracts';
import type { ReferenceDocument } from '../wire/reference-snapshot';
import { customersFilterFromCrm } from './customer-filters';
import { customerHistoryEntryToCrm, type CustomerHistoryEntry } from './customer-history-mapping';
import {
  addressFromCrm,
  crmCustomerFieldName,
  customerEditFromCrm,
  customerFromCrm,
  customerToCrm,
  noteToCrm,
} from './customer-mapping';

const ctx = { timeZone: 'Europe/Moscow' };

const violations = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof ValidationError) return e.violations;
    throw e;
  }
  return assert.fail('no validation error');
};

test('a RetailCRM customer becomes the platform customer: one email, the main address, tags, consent', () => {
  const customer = customerFromCrm(
    {
      type: 'customer',
      externalId: 10,
      managerId: 24,
      contragent: { contragentType: 'individual' },
      tags: [{ name: 'first' }, 'second'],
      customFields: { galkatrue: true },
      address: { text: 'ул. Красноармейская, д. 63/90, кв. 45', index: '125167', countryIso: 'RU' },
      firstName: 'Test',
      lastName: 'User',
      patronymic: 'Tester',
      email: 'tester@example.com',
      phones: [{ number: '(603) 292-6810' }, '+79161234567'],
      birthday: '1980-01-01 00:00:00',
      sex: 'male',
      vip: '1',
      subscribed: false,
      customerSubscriptions: [{ subscription: 'sms', subscribed: true, changedAt: '2024-03-01 15:00:00' }],
      createdAt: '2020-01-01 10:00:00',
      personalDiscount: 0,
    },
    'pult',
    ctx,
  );
  assert.deepEqual(customer, {
    site: 'pult',
    externalId: '10',
    firstName: 'Test',
    lastName: 'User',
    patronymic: 'Tester',
    phones: [{ number: '(603) 292-6810' }, { number: '+79161234567' }],
    emails: ['tester@example.com'],
    addresses: [
      { text: 'ул. Красноармейская, д. 63/90, кв. 45', postcode: '125167', country: 'RU', main: true },
    ],
    birthday: '1980-01-01',
    sex: 'male',
    tags: ['first', 'second'],
    customFields: { galkatrue: true },
    consent: {
      email: { status: 'denied' },
      sms: { status: 'granted', at: '2024-03-01T12:00:00.000Z' },
    },
    managerId: '24',
    vip: true,
  } satisfies CustomerJson);
});

test('an unsubscription time is a denial at that time; an empty one a grant', () => {
  assert.deepEqual(
    customerFromCrm({ emailMarketingUnsubscribedAt: '2020-10-30 14:22:12' }, 'pult', ctx).consent,
    { email: { status: 'denied', at: '2020-10-30T11:22:12.000Z' } },
  );
  assert.deepEqual(customerFromCrm({ emailMarketingUnsubscribedAt: '' }, 'pult', ctx).consent, {
    email: { status: 'granted' },
  });
});

test('what the platform cannot keep is refused by name, all at once', () => {
  assert.deepEqual(
    violations(() =>
      customerFromCrm(
        {
          contragent: { contragentType: 'legal-entity' },
          personalDiscount: 5,
          discountCardNumber: 'CARD-1',
          customerSubscriptions: [{ subscription: 'marketing', subscribed: true }],
          phones: [{}],
          tags: 'vip',
          vip: 'maybe',
        },
        'pult',
        ctx,
      ),
    ).map((v) => v.field),
    [
      'personalDiscount',
      'discountCardNumber',
      'contragent.contragentType',
      'customerSubscriptions[0].subscription',
      'phones[0].number',
      'tags',
      'vip',
    ],
  );
});

test('address parts without a field of their own are kept in the text, written as RetailCRM writes it', () => {
  assert.deepEqual(
    addressFromCrm({
      street: 'Мира',
      building: '1',
      house: '2',
      housing: 'А',
      flat: '5',
      floor: 3,
      city: 'Москва',
    }),
    {
      street: 'Мира',
      building: '1',
      flat: '5',
      city: 'Москва',
      text: 'Мира, д. 1, стр. 2, корп. А, кв./офис 5, эт. 3',
    },
  );
});

const stored: CustomerJson = {
  id: '5b8a7e0c-1c1d-4a4e-9a3b-2f1e0d9c8b7a',
  numericId: 4770,
  site: 'pult',
  externalId: '5',
  firstName: 'Omega',
  phones: [{ number: '79094055045', e164: '+79094055045' }, { number: '+79094055044' }],
  emails: ['omega@omega.com', 'second@omega.com'],
  addresses: [
    { id: 'a1', city: 'Тверь', text: 'ул. Советская, 1' },
    { id: 'a2', main: true, text: 'ул. Красноармейская, д. 63/90, кв. 45', postcode: '125167' },
  ],
  tags: ['test', 'first'],
  customFields: { galkatrue: true },
  consent: { email: { status: 'denied', at: '2020-10-30T11:22:12.000Z', source: 'api' } },
  managerId: '24',
  vip: false,
  metrics: {
    ordersCount: 1,
    totalSpent: { amountMinor: 705_750, currency: 'RUB' },
    averageCheck: { amountMinor: 705_750, currency: 'RUB' },
    cancellations: 0,
    firstOrderAt: '2022-03-11T12:39:08.000Z',
    lastOrderAt: '2022-03-11T12:39:08.000Z',
  },
  version: 3,
  createdAt: '2022-03-11T12:39:08.000Z',
};

test('an edit changes what it names: the first email, the main address member by member, tags added and removed', () => {
  const edit = customerEditFromCrm(
    {
      externalId: 'ignored-by-externalId',
      firstName: '',
      email: 'new@omega.com',
      address: { city: 'Москва', index: '' },
      addTags: ['vip'],
      removeTags: ['test'],
      customFields: { galkatrue: null, color: 'red' },
      subscribed: true,
    },
    stored,
    'externalId',
    ctx,
  );
  assert.deepEqual(edit.mask, [
    'firstName',
    'emails',
    'addresses',
    'tags',
    'customFields.galkatrue',
    'customFields.color',
    'consent.email',
  ]);
  assert.deepEqual(edit.customer, {
    emails: ['new@omega.com', 'second@omega.com'],
    addresses: [
      { id: 'a1', city: 'Тверь', text: 'ул. Советская, 1' },
      { id: 'a2', main: true, text: 'ул. Красноармейская, д. 63/90, кв. 45', city: 'Москва' },
    ],
    tags: ['first', 'vip'],
    customFields: { color: 'red' },
    consent: { email: { status: 'granted' } },
  });
  const byId = customerEditFromCrm({ externalId: 'crm-9', email: '' }, stored, 'id', ctx);
  assert.deepEqual(byId, {
    mask: ['externalId', 'emails'],
    customer: { externalId: 'crm-9', emails: ['second@omega.com'] },
  });
});

test('a platform customer in RetailCRM shape: numeric id, local times, the main address, tags, metrics', () => {
  assert.deepEqual(customerToCrm(stored, ctx), {
    type: 'customer',
    id: 4770,
    externalId: '5',
    site: 'pult',
    createdAt: '2022-03-11 15:39:08',
    managerId: 24,
    vip: false,
    bad: false,
    contragent: { contragentType: 'individual' },
    firstName: 'Omega',
    email: 'omega@omega.com',
    phones: [{ number: '79094055045' }, { number: '+79094055044' }],
    address: { id: 'a2', isMain: true, index: '125167', text: 'ул. Красноармейская, д. 63/90, кв. 45' },
    tags: [
      { name: 'test', attached: false },
      { name: 'first', attached: false },
    ],
    customFields: { galkatrue: true },
    subscribed: false,
    emailMarketingUnsubscribedAt: '2020-10-30 14:22:12',
    customerSubscriptions: [
      {
        subscription: { code: 'email', channel: 'email', name: 'email', active: true },
        subscribed: false,
        changedAt: '2020-10-30 14:22:12',
      },
    ],
    ordersCount: 1,
    totalSumm: 7057.5,
    averageSumm: 7057.5,
    firstOrderDate: '2022-03-11 15:39:08',
    lastOrderDate: '2022-03-11 15:39:08',
  });
  assert.deepEqual(
    noteToCrm(
      { id: 'n-1', customerId: stored.id, text: 'note', authorId: '21', createdAt: '2019-08-06T15:04:56Z' },
      stored,
      ctx,
    ),
    {
      id: 'n-1',
      text: 'note',
      createdAt: '2019-08-06 18:04:56',
      managerId: 21,
      customer: { type: 'customer', id: 4770, externalId: '5', site: 'pult' },
    },
  );
});

test('the platform names of bad fields become RetailCRM names', () => {
  assert.deepEqual(
    [
      'customer.emails[0]',
      'phones[1]',
      'addresses[0].postcode',
      'addresses[a2].city',
      'consent.email',
      'consent.sms.at',
      'customFields.color',
    ].map(crmCustomerFieldName),
    [
      'email',
      'phones[1].number',
      'address.index',
      'address.city',
      'emailMarketingUnsubscribedAt',
      'customerSubscriptions.at',
      'customFields.color',
    ],
  );
});

const ref = {
  sites: [
    { code: 'pult', name: 'Пульт', active: true, currency: 'RUB' },
    { code: 'msk', name: 'Москва', active: true, currency: 'RUB' },
    { code: 'minsk', name: 'Минск', active: true, currency: 'BYN' },
  ],
} as unknown as ReferenceDocument;

test('customer filters: numeric ids, one box for name/phone/email, inclusive local dates, money of one currency', () => {
  const f = customersFilterFromCrm(
    {
      ids: ['17', '18'],
      externalIds: ['crm-1'],
      name: '8 916 123-45-67',
      sites: ['pult', 'msk'],
      managers: ['u-1'],
      tags: ['vip'],
      vip: '1',
      dateFrom: '2024-03-01',
      dateTo: '2024-03-01',
      minTotalSumm: '1000.5',
      maxAverageSumm: '300',
      minOrdersCount: '2',
      lastOrderFrom: '2024-01-01 10:00:00',
    },
    ref,
    'Europe/Moscow',
    ['pult', 'msk', 'minsk'],
  );
  assert.deepEqual(
    {
      numericIds: f.numericIds,
      externalIds: f.externalIds,
      query: f.query,
      sites: f.sites,
      managerId: f.managerId,
      tags: f.tags,
      vip: f.vip,
      minOrdersCount: f.minOrdersCount,
      minTotalSpent: f.minTotalSpent,
      maxAverageCheck: f.maxAverageCheck,
    },
    {
      numericIds: [17, 18],
      externalIds: ['crm-1'],
      query: '8 916 123-45-67',
      sites: ['pult', 'msk'],
      managerId: 'u-1',
      tags: ['vip'],
      vip: true,
      minOrdersCount: 2,
      minTotalSpent: { amountMinor: 100050, currency: 'RUB' },
      maxAverageCheck: { amountMinor: 30000, currency: 'RUB' },
    },
  );
  // Moscow midnight of 1 March to the midnight after it.
  assert.equal(f.createdFrom?.seconds, String(Date.parse('2024-02-29T21:00:00Z') / 1000));
  assert.equal(f.createdTo?.seconds, String(Date.parse('2024-03-01T21:00:00Z') / 1000));
  assert.equal(f.lastOrderFrom?.seconds, String(Date.parse('2024-01-01T07:00:00Z') / 1000));
  assert.deepEqual(
    violations(() =>
      customersFilterFromCrm(
        { minTotalSumm: '1', ids: ['x'], dateTo: '2024-13-01', minOrdersCount: 'many' },
        ref,
        'Europe/Moscow',
        ['pult', 'minsk'],
      ),
    ).map((v) => v.field),
    ['filter[ids][0]', 'filter[minTotalSumm]', 'filter[dateTo]', 'filter[minOrdersCount]'],
  );
  assert.throws(
    () => customersFilterFromCrm({ isContact: '1' }, ref, 'Europe/Moscow', ['pult']),
    /not supported/,
  );
});

test('history entries in RetailCRM shape: creation, a phone added, an address member, a merge', () => {
  const ctx = { timeZone: 'Europe/Moscow', apiKeyId: 'key-1' };
  const survivor: CustomerJson = { id: 'uuid-survivor', numericId: 985, externalId: '2', site: 'presta' };
  const merged: CustomerJson = {
    ...stored,
    id: 'uuid-merged',
    numericId: 982,
    site: 'presta',
    mergedInto: 'uuid-survivor',
  };
  const customers = new Map([
    [survivor.id!, survivor],
    [merged.id!, merged],
  ]);
  const entry = (over: Partial<CustomerHistoryEntry>): CustomerHistoryEntry => ({
    id: 2696,
    customerId: 'uuid-merged',
    site: 'presta',
    field: 'phones',
    oldValue: null,
    newValue: null,
    source: 'api',
    at: new Date('2018-10-05T10:51:11Z'),
    ...over,
  });
  const created = customerHistoryEntryToCrm(
    entry({
      field: 'created',
      newValue: { id: 'uuid-merged', firstName: 'Admin', emails: ['admin@mail.ru'] },
    }),
    customers,
    ctx,
  );
  assert.deepEqual(
    { ...created, customer: undefined },
    {
      id: 2696,
      createdAt: '2018-10-05 13:51:11',
      source: 'api',
      created: true,
      field: 'id',
      oldValue: null,
      newValue: 982,
      customer: undefined,
    },
  );
  assert.deepEqual(
    [(created.customer as Record<string, unknown>).id, (created.customer as Record<string, unknown>).email],
    [982, 'admin@mail.ru'],
  );
  assert.deepEqual(
    customerHistoryEntryToCrm(
      entry({
        oldValue: [{ number: '1245987' }],
        newValue: [{ number: '1245987' }, { number: '9515120000' }],
        apiKeyId: 'key-2',
      }),
      customers,
      ctx,
    ),
    {
      id: 2696,
      createdAt: '2018-10-05 13:51:11',
      source: 'api',
      apiKey: { current: false },
      field: 'phones',
      oldValue: null,
      newValue: '9515120000',
      customer: { id: 982, externalId: '5', site: 'presta' },
    },
  );
  assert.deepEqual(
    customerHistoryEntryToCrm(
      entry({ field: 'addresses[a2].city', newValue: 'Москва', source: 'manager', userId: '19' }),
      customers,
      ctx,
    ),
    {
      id: 2696,
      createdAt: '2018-10-05 13:51:11',
      source: 'user',
      user: { id: 19 },
      field: 'address.city',
      oldValue: null,
      newValue: 'Москва',
      address: { id: 'a2', isMain: true },
      customer: { id: 982, externalId: '5', site: 'presta' },
    },
  );
  const deleted = customerHistoryEntryToCrm(
    entry({ field: 'mergedInto', newValue: 'uuid-survivor', source: 'manager', userId: '23' }),
    customers,
    ctx,
  );
  assert.deepEqual(
    [deleted.deleted, deleted.field, deleted.oldValue, deleted.newValue, deleted.combinedTo],
    [true, 'id', 982, null, { id: 985, externalId: '2', site: 'presta' }],
  );
  assert.deepEqual(
    [
      customerHistoryEntryToCrm(entry({ field: 'tags[vip]', newValue: 'vip' }), customers, ctx),
      customerHistoryEntryToCrm(
        entry({ field: 'consent.email', newValue: { status: 'denied', at: '2020-10-30T11:22:12.000Z' } }),
        customers,
        ctx,
      ),
      customerHistoryEntryToCrm(entry({ field: 'managerId', newValue: '23' }), customers, ctx),
    ].map((e) => [e.field, e.oldValue, e.newValue]),
    [
      ['tags', null, { name: 'vip' }],
      ['email_marketing_unsubscribed_at', null, '2020-10-30 14:22:12'],
      ['manager', null, { id: 23 }],
    ],
  );
});
