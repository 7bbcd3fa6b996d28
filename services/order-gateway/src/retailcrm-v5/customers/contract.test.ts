import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CorporateCustomerJson, CustomerJson } from '@openretail/contracts';
import type { Principal } from '../../access';
import {
  bodyParams,
  byParam,
  jsonListParam,
  jsonObjectParam,
  nestParams,
  pageParams,
  paramsFromMultipart,
  paramsFromUrlEncoded,
  stringParam,
} from '../wire/params';
import type { ReferenceDocument } from '../wire/reference-snapshot';
import { Problems } from '../wire/values';
import { customerKey, customerKeyOfRef } from './customer-directory';
import { customersFilterFromCrm } from './customer-filters';
import { customerEditFromCrm, customerFromCrm, customerToCrm } from './customer-mapping';
import {
  companyFromCrm,
  contactCompanyFromCrm,
  corporateContactsFromCrm,
  corporateFromCrm,
  corporateToCrm,
} from './corporate-mapping';

/**
 * The request forms the official clients send for customers (read from their source:
 * api-client-php v5 `lib/RetailCrm/Methods/V5` and v6 `src/ResourceGroup` with its tests,
 * api-client-python `retailcrm/versions/v5.py`, api-client-ruby `lib/retailcrm.rb`), replayed
 * through the wire parsers and the translations; answers checked member by member against the
 * documented shapes (the members and types of the clients' response models).
 */

const ctx = { timeZone: 'Europe/Moscow' };
const ref = {
  sites: [
    { code: 'aliexpress', name: 'AliExpress', active: true, currency: 'RUB' },
    { code: 'moysklad', name: 'МойСклад', active: true, currency: 'RUB' },
  ],
} as unknown as ReferenceDocument;
const allSites: Principal = {
  keyId: 'k1',
  keyName: 'cms',
  permissions: new Set(['customers:read', 'customers:write']),
  sites: 'all',
} as Principal;

/** A GET query string as the server sees it: repeated and bracketed names, nested. */
const query = (qs: string) => nestParams(new URLSearchParams(qs));
const json = (value: unknown) => encodeURIComponent(JSON.stringify(value));

test('PHP v6 customers->create: site and the customer JSON-encoded, tags as objects, birthday a date', () => {
  const customer = {
    type: 'customer',
    externalId: 'test_10',
    managerId: 24,
    contragent: { contragentType: 'individual' },
    tags: [{ name: 'first' }, { name: 'second' }, { name: 'third' }],
    customFields: { galkatrue: true },
    address: { text: '(719) 395-5645 13990 W County 270 Rd Nathrop, Colorado(CO), 81236' },
    firstName: 'Test',
    lastName: 'User',
    patronymic: 'Tester',
    email: 'tester@example.com',
    phones: [{ number: '(603) 292-6810' }],
    birthday: '1980-01-01',
  };
  const params = paramsFromUrlEncoded(`site=aliexpress&customer=${json(customer)}`);
  const site = stringParam(params, 'site')!;
  assert.deepEqual(customerFromCrm(jsonObjectParam(params, 'customer'), site, ctx), {
    site: 'aliexpress',
    externalId: 'test_10',
    firstName: 'Test',
    lastName: 'User',
    patronymic: 'Tester',
    phones: [{ number: '(603) 292-6810' }],
    emails: ['tester@example.com'],
    addresses: [{ text: customer.address.text, main: true }],
    birthday: '1980-01-01',
    tags: ['first', 'second', 'third'],
    customFields: { galkatrue: true },
    managerId: '24',
  } satisfies CustomerJson);
});

test('PHP v5 customersEdit through curl multipart, Python customer_edit by id: by, site and the fields sent', () => {
  const current: CustomerJson = { id: 'u-1', numericId: 4770, site: 'aliexpress', emails: ['a@b.c'] };
  const boundary = 'X-BOUNDARY';
  const body = Buffer.from(
    [
      ['apiKey', 'ork_key'],
      ['by', 'externalId'],
      ['site', 'aliexpress'],
      ['customer', JSON.stringify({ externalId: '5', firstName: 'Test' })],
    ]
      .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
      .join('') + `--${boundary}--\r\n`,
  );
  const php = paramsFromMultipart(body, `multipart/form-data; boundary=${boundary}`);
  assert.equal(byParam(php), 'externalId');
  assert.deepEqual(customerEditFromCrm(jsonObjectParam(php, 'customer'), current, byParam(php), ctx), {
    customer: { firstName: 'Test' },
    mask: ['firstName'],
  });
  // Python: data=self.parameters (a form), customer json.dumps'd, by only when not externalId.
  const python = bodyParams(
    paramsFromUrlEncoded(
      `customer=${json({ id: 4770, firstName: 'Test', addTags: ['tag1'] })}&by=id&site=aliexpress`,
    ),
  );
  assert.deepEqual(customerKey('4770', byParam(python), stringParam(python, 'site'), allSites, ref), {
    numericId: 4770,
  });
  assert.deepEqual(customerEditFromCrm(jsonObjectParam(python, 'customer'), current, 'id', ctx).mask, [
    'firstName',
    'tags',
  ]);
});

test('list filters as PHP v6 (indexed brackets), Python (multidimensional urlencode) and Ruby (filter[x]=y) send them', () => {
  const php = query(
    'limit=20&page=1&filter%5Bsites%5D%5B0%5D=moysklad&filter%5Bsites%5D%5B1%5D=aliexpress&filter%5Bname%5D=89229112322',
  );
  assert.deepEqual(pageParams(php), { limit: 20, page: 1 });
  const f = customersFilterFromCrm(php.filter, ref, ctx.timeZone, ['moysklad', 'aliexpress']);
  assert.deepEqual([f.sites, f.query], [['moysklad', 'aliexpress'], '89229112322']);
  const python = query('filter[ids][]=1&filter[ids][]=2&filter[dateFrom]=2024-01-01&limit=50&page=2');
  assert.deepEqual(customersFilterFromCrm(python.filter, ref, ctx.timeZone, ['moysklad']).numericIds, [1, 2]);
  assert.deepEqual(pageParams(python), { limit: 50, page: 2 });
  const ruby = query('apiKey=k&limit=100&page=1&filter[email]=test@example.com');
  assert.equal(
    customersFilterFromCrm(ruby.filter, ref, ctx.timeZone, ['moysklad']).email,
    'test@example.com',
  );
  // The PHP v6 test also sends isContact, which this installation cannot filter by: refused by name.
  assert.throws(
    () => customersFilterFromCrm(query('filter[isContact]=1').filter, ref, ctx.timeZone, ['moysklad']),
    (e: { errors?: Record<string, string> }) => Object.keys(e.errors ?? {}).join() === 'filter[isContact]',
  );
});

test('combine, upload, fix-external-ids and notes/create bodies: JSON-encoded lists and references', () => {
  const combine = paramsFromUrlEncoded(
    `customers=${json([{ id: 2 }, { id: 3 }, { id: 4 }])}&resultCustomer=${json({ id: 1 })}`,
  );
  assert.deepEqual(
    jsonListParam(combine, 'customers').map((c, i) =>
      customerKeyOfRef(c, `customers[${i}]`, undefined, allSites, ref),
    ),
    [{ numericId: 2 }, { numericId: 3 }, { numericId: 4 }],
  );
  assert.deepEqual(
    customerKeyOfRef(jsonObjectParam(combine, 'resultCustomer'), 'resultCustomer', undefined, allSites, ref),
    {
      numericId: 1,
    },
  );
  // PHP encodes an associative array of customers as an object keyed by position.
  const upload = paramsFromUrlEncoded(
    `site=aliexpress&customers=${json({ 0: { externalId: 'a' }, 1: { externalId: 'b' } })}`,
  );
  assert.deepEqual(
    jsonListParam(upload, 'customers').map((c) => (c as { externalId: string }).externalId),
    ['a', 'b'],
  );
  const fix = paramsFromUrlEncoded(`customers=${json([{ id: 1, externalId: 'external_id_1' }])}`);
  assert.deepEqual(jsonListParam(fix, 'customers'), [{ id: 1, externalId: 'external_id_1' }]);
  const note = paramsFromUrlEncoded(
    `site=moysklad&note=${json({ customer: { externalId: '10' }, managerId: 21, text: 'Text' })}`,
  );
  const n = jsonObjectParam(note, 'note');
  assert.deepEqual(customerKeyOfRef(n.customer, 'note.customer', stringParam(note, 'site'), allSites, ref), {
    external: { site: 'moysklad', externalId: '10' },
  });
});

test('PHP v6 customersCorporate create, companies and contacts edits', () => {
  const corporate = {
    source: { source: 'chats' },
    addresses: [{ text: '(719) 395-5645 13990 W County 270 Rd Nathrop, Colorado(CO), 81236' }],
    customerContacts: [{ customer: { externalId: 'test_10', site: 'aliexpress' } }],
    companies: [{ name: 'Test Company', brand: 'Test Brand', isMain: true }],
    type: 'customer_corporate',
    externalId: 'test_20',
    managerId: 24,
    nickName: 'Test Corp Company',
    tags: [{ name: 'first' }],
    customFields: { galkatrue: true },
  };
  const params = paramsFromUrlEncoded(`site=aliexpress&customerCorporate=${json(corporate)}`);
  const input = jsonObjectParam(params, 'customerCorporate');
  assert.deepEqual(corporateFromCrm(input, 'aliexpress'), {
    site: 'aliexpress',
    externalId: 'test_20',
    name: 'Test Corp Company',
    companies: [{ name: 'Test Company', main: true }],
    addresses: [{ text: corporate.addresses[0].text }],
    managerId: '24',
    tags: ['first'],
    customFields: { galkatrue: true },
  } satisfies CorporateCustomerJson);
  const [contact] = corporateContactsFromCrm(input);
  assert.deepEqual(customerKeyOfRef(contact.customer, 'c', 'aliexpress', allSites, ref), {
    external: { site: 'aliexpress', externalId: 'test_10' },
  });

  const companyEdit = paramsFromUrlEncoded(
    `company=${json({ name: 'Test Company', brand: 'Test Brand', address: { id: 3559 }, isMain: true })}&by=id&entityBy=id&site=aliexpress`,
  );
  const problems = new Problems();
  assert.deepEqual(companyFromCrm(jsonObjectParam(companyEdit, 'company'), 'company', problems), {
    name: 'Test Company',
    main: true,
  });
  const contactEdit = paramsFromUrlEncoded(`contact=${json({ companies: [{ id: 776 }] })}&by=id&entityBy=id`);
  assert.equal(contactCompanyFromCrm(jsonObjectParam(contactEdit, 'contact'), 'contact', problems), '776');
  assert.deepEqual(problems.list, []);
});

/** The members of RetailCRM's customer answers, with the JSON type the clients' models give them. */
const CUSTOMER_MEMBERS: Record<string, string> = {
  type: 'string',
  id: 'number',
  externalId: 'string',
  site: 'string',
  createdAt: 'date-time',
  managerId: 'number',
  vip: 'boolean',
  bad: 'boolean',
  contragent: 'object',
  firstName: 'string',
  lastName: 'string',
  patronymic: 'string',
  sex: 'string',
  email: 'string',
  phones: 'array',
  birthday: 'date',
  address: 'object',
  tags: 'array',
  customFields: 'object',
  subscribed: 'boolean',
  emailMarketingUnsubscribedAt: 'date-time',
  customerSubscriptions: 'array',
  ordersCount: 'number',
  totalSumm: 'number',
  averageSumm: 'number',
};
/** Members this installation adds (documented in the README; typed clients skip them). */
const EXTENSIONS: Record<string, string> = { firstOrderDate: 'date-time', lastOrderDate: 'date-time' };

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)) return 'date-time';
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return 'date';
  return typeof value;
}

test('a customer answer has only documented members, each of its documented type', () => {
  const answer = customerToCrm(
    {
      id: 'u-1',
      numericId: 4770,
      site: 'bb_demo',
      externalId: '5',
      firstName: 'Omega',
      lastName: 'O',
      patronymic: 'P',
      sex: 'female',
      emails: ['omega@omega.com'],
      phones: [{ number: '79094055045' }],
      birthday: '1990-01-02',
      addresses: [{ id: 'a-1', text: 'ул. Красноармейская, д. 63/90, кв. 45', main: true }],
      tags: ['test'],
      customFields: { galkatrue: true },
      consent: { email: { status: 'denied', at: '2020-10-30T11:22:12.000Z' } },
      managerId: '24',
      vip: false,
      metrics: {
        ordersCount: 1,
        cancellations: 0,
        totalSpent: { amountMinor: 705_700, currency: 'RUB' },
        averageCheck: { amountMinor: 705_700, currency: 'RUB' },
        firstOrderAt: '2022-03-11T12:39:08.000Z',
        lastOrderAt: '2022-03-11T12:39:08.000Z',
      },
      createdAt: '2022-03-11T12:39:08.000Z',
    },
    ctx,
  );
  for (const [member, value] of Object.entries(answer)) {
    const documented = CUSTOMER_MEMBERS[member] ?? EXTENSIONS[member];
    assert.ok(documented, `${member} is not a documented member`);
    assert.equal(typeOf(value), documented, member);
  }
  assert.deepEqual(
    Object.keys(CUSTOMER_MEMBERS).filter((m) => !(m in answer)),
    [],
  );
  assert.deepEqual(answer.tags, [{ name: 'test', attached: false }]);
  assert.deepEqual(answer.phones, [{ number: '79094055045' }]);
});

test('a corporate customer answer as the clients model it: nickName, companies with contragent, contacts, mains', () => {
  const person: CustomerJson = { id: 'p-1', numericId: 5039, externalId: 'test_10', site: 'aliexpress' };
  const answer = corporateToCrm(
    {
      id: 'c-1',
      numericId: 5043,
      site: 'aliexpress',
      externalId: 'test_20',
      name: 'Test Corp Company',
      companies: [
        {
          id: 'co-1',
          name: 'Test Company',
          main: true,
          inn: '5921305044',
          kpp: '027043442',
          ogrn: '1180284568463',
        },
      ],
      contacts: [{ customerId: 'p-1', main: true, companyId: 'co-1' }],
      addresses: [{ id: 'ad-1', text: 'Nathrop, Colorado', main: true }],
      managerId: '24',
      vip: false,
      tags: [],
      customFields: { galkatrue: true },
      createdAt: '2021-02-17T11:42:52.000Z',
    },
    new Map([['p-1', person]]),
    ctx,
  );
  assert.deepEqual(answer, {
    type: 'customer_corporate',
    id: 5043,
    externalId: 'test_20',
    nickName: 'Test Corp Company',
    site: 'aliexpress',
    createdAt: '2021-02-17 14:42:52',
    managerId: 24,
    vip: false,
    bad: false,
    tags: [],
    customFields: { galkatrue: true },
    addresses: [{ id: 'ad-1', isMain: true, text: 'Nathrop, Colorado' }],
    mainAddress: { id: 'ad-1' },
    companies: [
      {
        id: 'co-1',
        isMain: true,
        active: true,
        name: 'Test Company',
        contragent: {
          contragentType: 'legal-entity',
          INN: '5921305044',
          KPP: '027043442',
          OGRN: '1180284568463',
        },
      },
    ],
    mainCompany: { id: 'co-1', name: 'Test Company' },
    customerContacts: [
      {
        id: 5039,
        isMain: true,
        customer: { id: 5039, externalId: 'test_10', site: 'aliexpress' },
        companies: [{ id: 'co-1', company: { id: 'co-1', name: 'Test Company' } }],
      },
    ],
    mainCustomerContact: {
      id: 5039,
      isMain: true,
      customer: { id: 5039, externalId: 'test_10', site: 'aliexpress' },
      companies: [{ id: 'co-1', company: { id: 'co-1', name: 'Test Company' } }],
    },
  });
});
