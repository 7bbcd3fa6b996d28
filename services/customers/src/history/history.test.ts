import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '@openretail/contracts';
import { CUSTOMER_DIFF, type CustomerState } from '../profiles/customer-state';
import { CORPORATE_DIFF, type CorporateState } from '../corporate/corporate-state';
import { CREATED_FIELD, createdEntry, diffStates } from './history';

const at = new Date('2026-01-01T10:00:00Z');
const later = new Date('2026-01-02T10:00:00Z');
const customer = (over: Partial<CustomerState> = {}): CustomerState => ({
  id: 'c-1',
  site: 'pult',
  firstName: 'Анна',
  lastName: 'Иванова',
  phones: [{ number: '8 916 123-45-67', e164: '+79161234567' }],
  emails: ['anna@example.com'],
  addresses: [{ id: 'a1', city: 'Москва', street: 'Тверская', building: '1' }],
  tags: ['vinyl'],
  customFields: { interests: 'vinyl' },
  consent: { email: { status: 'granted', at: at.toISOString(), source: 'api' } },
  vip: false,
  createdAt: at,
  updatedAt: at,
  ...over,
});
const edit = (over: Partial<CustomerState>, before = customer()) =>
  diffStates(before, { ...before, ...over, updatedAt: later }, CUSTOMER_DIFF);
const change = (field: string, oldValue: unknown, newValue: unknown) => ({ field, oldValue, newValue });

describe('customer history', () => {
  test('creation is one entry with the whole profile, without updatedAt, dates as ISO', () => {
    const entry = createdEntry(customer(), CUSTOMER_DIFF);
    assert.equal(entry.field, CREATED_FIELD);
    const value = entry.newValue as Record<string, unknown>;
    assert.equal(value.updatedAt, undefined);
    assert.equal(value.createdAt, at.toISOString());
    assert.deepEqual(JSON.parse(JSON.stringify(entry)), entry);
  });

  test('nothing but updatedAt changed, or equal values in new objects: no entries', () => {
    assert.deepEqual(edit({}), []);
    assert.deepEqual(
      edit({ phones: [{ number: '8 916 123-45-67', e164: '+79161234567' }], tags: ['vinyl'] }),
      [],
    );
  });

  test('scalars set, changed and cleared', () => {
    assert.deepEqual(edit({ patronymic: 'Петровна', firstName: 'Аня', vip: true, lastName: undefined }), [
      change('firstName', 'Анна', 'Аня'),
      change('lastName', 'Иванова', null),
      change('patronymic', null, 'Петровна'),
      change('vip', false, true),
    ]);
  });

  test('phones and emails are one value each, their order matters (the first is the main one)', () => {
    const phones = [{ number: '+375291234567', e164: '+375291234567' }, ...customer().phones];
    assert.deepEqual(edit({ phones }), [change('phones', customer().phones, phones)]);
    assert.deepEqual(edit({ emails: ['anna@work.example', 'anna@example.com'] }), [
      change('emails', ['anna@example.com'], ['anna@work.example', 'anna@example.com']),
    ]);
  });

  test('addresses by id: changed members, added and removed whole', () => {
    assert.deepEqual(
      edit({
        addresses: [
          { id: 'a1', city: 'Москва', street: 'Тверская', building: '3', main: true },
          { id: 'a2', text: 'Пушкино, Лесная 5' },
        ],
      }),
      [
        change('addresses[a1].building', '1', '3'),
        change('addresses[a1].main', null, true),
        change('addresses[a2]', null, { id: 'a2', text: 'Пушкино, Лесная 5' }),
      ],
    );
    assert.deepEqual(edit({ addresses: [] }), [
      change('addresses[a1]', { building: '1', city: 'Москва', id: 'a1', street: 'Тверская' }, null),
    ]);
  });

  test('tags are a set; custom fields and consent by member', () => {
    assert.deepEqual(
      edit({
        tags: ['vip', 'vinyl', 'vip'],
        customFields: { children: 2 },
        consent: {
          email: { status: 'denied', at: later.toISOString(), source: 'manager' },
          sms: { status: 'granted', at: later.toISOString(), source: 'manager' },
        },
      }),
      [
        change('consent.email', customer().consent.email, {
          at: later.toISOString(),
          source: 'manager',
          status: 'denied',
        }),
        change('consent.sms', null, { at: later.toISOString(), source: 'manager', status: 'granted' }),
        change('customFields.children', null, 2),
        change('customFields.interests', 'vinyl', null),
        change('tags[vip]', null, 'vip'),
      ],
    );
  });

  test('two addresses with one id cannot be told apart', () => {
    assert.throws(
      () =>
        edit({
          addresses: [
            { id: 'a1', city: 'A' },
            { id: 'a1', city: 'B' },
          ],
        }),
      (e) => e instanceof ValidationError && e.violations[0].field === 'addresses[1].id',
    );
  });
});

describe('corporate customer history', () => {
  const corporate = (over: Partial<CorporateState> = {}): CorporateState => ({
    id: 'k-1',
    site: 'pult',
    name: 'Звук и Свет',
    companies: [{ id: 'co1', name: 'ООО Звук', main: true, inn: '7701234567', createdAt: at }],
    contacts: [{ customerId: 'c-1', role: 'buyer', main: true, createdAt: at }],
    addresses: [],
    vip: false,
    tags: [],
    customFields: {},
    createdAt: at,
    updatedAt: at,
    ...over,
  });

  test('companies by id, contacts by person', () => {
    const before = corporate();
    const after = corporate({
      companies: [{ ...before.companies[0], kpp: '770101001' }],
      contacts: [
        { ...before.contacts[0], role: 'director' },
        { customerId: 'c-2', main: false, createdAt: later },
      ],
      updatedAt: later,
    });
    assert.deepEqual(diffStates(before, after, CORPORATE_DIFF), [
      change('companies[co1].kpp', null, '770101001'),
      change('contacts[c-1].role', 'buyer', 'director'),
      change('contacts[c-2]', null, { createdAt: later.toISOString(), customerId: 'c-2', main: false }),
    ]);
  });
});
