import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PermissionDeniedError, ValidationError } from '@openretail/contracts';
import { testReferenceData } from '../test-support/reference-data';
import type { Caller } from '../shared/caller';
import { planCustomerCreate, planCustomerEdit, toInputJson, type CommandContext } from './customer-commands';

const now = new Date('2026-03-01T12:00:00Z');
let ids = 0;
const ctx = (caller: Partial<Caller> = {}, at = now): CommandContext => ({
  ref: testReferenceData(),
  caller: { source: 'api', sites: 'all', ...caller },
  now: at,
  newId: () => `id-${++ids}`,
});
const create = (input: Record<string, unknown>, c = ctx()) => planCustomerCreate(input, c, 'c-1');
const fieldsOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e.violations.map((v) => v.field);
    throw e;
  }
  assert.fail('expected a ValidationError');
};
const anna = {
  site: 'pult',
  firstName: ' Анна ',
  lastName: 'Иванова',
  phones: ['8 (916) 123-45-67'],
  emails: ['Anna@Example.com '],
};

describe('creating a customer', () => {
  test('normalises phones with the site region, trims text, fills defaults, records creation', () => {
    const plan = create(anna);
    assert.equal(plan.noop, false);
    assert.deepEqual(plan.after, {
      id: 'c-1',
      site: 'pult',
      firstName: 'Анна',
      lastName: 'Иванова',
      phones: [{ number: '8 (916) 123-45-67', e164: '+79161234567' }],
      emails: ['Anna@Example.com'],
      addresses: [],
      tags: [],
      customFields: {},
      consent: {},
      vip: false,
      createdAt: now,
      updatedAt: now,
    });
    assert.deepEqual(
      plan.history.map((h) => h.field),
      ['created'],
    );
  });

  test('national numbers are read in the region of the site; unreadable ones are kept without E.164', () => {
    const minsk = create({ site: 'minsk', phones: ['8 029 123-45-67', '12345'] }).after;
    assert.deepEqual(minsk.phones, [
      { number: '8 029 123-45-67', e164: '+375291234567' },
      { number: '12345' },
    ]);
  });

  test('the same phone in two formats, or an email in two cases, is kept once', () => {
    const { after } = create({
      ...anna,
      phones: ['+7 916 123 45 67', '89161234567'],
      emails: ['anna@example.com', 'ANNA@example.com'],
    });
    assert.deepEqual(
      after.phones.map((p) => p.number),
      ['+7 916 123 45 67'],
    );
    assert.deepEqual(after.emails, ['anna@example.com']);
  });

  test('every malformed field is named at once', () => {
    assert.deepEqual(
      fieldsOf(() =>
        create({
          site: 'Pult!',
          phones: ['call me'],
          emails: ['not-an-email'],
          birthday: '2026-02-30',
          sex: 'x',
          tags: ['Bad Tag'],
          addresses: [{ notes: 'no place' }],
          consent: { email: 'maybe' },
          vip: 'yes',
          nickname: 'Аня',
        }),
      ).sort(),
      [
        'addresses[0]',
        'birthday',
        'consent.email',
        'emails[0]',
        'phones[0]',
        'sex',
        'site',
        'tags[0]',
        'vip',
        'nickname',
      ].sort(),
    );
  });

  test('the site must exist, and the caller must be allowed to write to it', () => {
    assert.deepEqual(
      fieldsOf(() => create({ ...anna, site: 'nowhere' })),
      ['site'],
    );
    assert.throws(() => create(anna, ctx({ sites: ['minsk'] })), PermissionDeniedError);
  });

  test('custom fields follow the customer definitions of the reference data', () => {
    const { after } = create({
      ...anna,
      customFields: { interests: 'vinyl', children: 2, 'loyalty-card': null },
    });
    assert.deepEqual(after.customFields, { interests: 'vinyl', children: 2 });
    assert.deepEqual(
      fieldsOf(() =>
        create({
          ...anna,
          customFields: { interests: 'jazz', children: 1.5, 'call-logged': true, nope: 'x' },
        }),
      ).sort(),
      ['customFields.call-logged', 'customFields.children', 'customFields.interests', 'customFields.nope'],
    );
  });

  test('a customer nobody can recognise is refused', () => {
    assert.deepEqual(
      fieldsOf(() => create({ site: 'pult', vip: true })),
      ['(customer)'],
    );
    assert.equal(create({ site: 'pult', externalId: 'crm-1' }).after.externalId, 'crm-1');
  });

  test('addresses get ids; at most one is main; an unknown id is refused', () => {
    const { after } = create({ ...anna, addresses: [{ city: 'Москва', main: true }, { text: 'Пушкино' }] });
    assert.equal(after.addresses.length, 2);
    assert.ok(after.addresses.every((a) => a.id.startsWith('id-')));
    assert.deepEqual(
      fieldsOf(() =>
        create({
          ...anna,
          addresses: [
            { city: 'A', main: true },
            { city: 'B', main: true },
          ],
        }),
      ),
      ['addresses[1].main'],
    );
    assert.deepEqual(
      fieldsOf(() => create({ ...anna, addresses: [{ id: 'made-up', city: 'A' }] })),
      ['addresses[0].id'],
    );
  });

  test('consent rules apply on create: granting SMS needs a phone that parses', () => {
    assert.deepEqual(
      fieldsOf(() =>
        create({ site: 'pult', firstName: 'Анна', phones: ['12345'], consent: { sms: 'granted' } }),
      ),
      ['consent.sms'],
    );
    const { after } = create({ ...anna, consent: { sms: 'granted', email: { status: 'denied' } } });
    assert.deepEqual(after.consent.sms, { status: 'granted', at: now.toISOString(), source: 'api' });
  });
});

describe('editing a customer', () => {
  const before = create({
    ...anna,
    addresses: [{ city: 'Москва', street: 'Тверская' }],
    customFields: { interests: 'vinyl' },
    consent: { email: 'granted' },
  }).after;
  const later = new Date('2026-03-02T09:00:00Z');
  const editCtx = ctx({ source: 'manager', userId: 'u-7' }, later);

  test('only the masked fields change; history names each', () => {
    const plan = planCustomerEdit(
      before,
      { lastName: 'Петрова', firstName: 'ignored', phones: ['+375 29 123-45-67'] },
      ['lastName', 'phones'],
      editCtx,
    );
    assert.equal(plan.after.firstName, 'Анна');
    assert.equal(plan.after.lastName, 'Петрова');
    assert.deepEqual(plan.after.phones, [{ number: '+375 29 123-45-67', e164: '+375291234567' }]);
    assert.deepEqual(
      plan.history.map((h) => h.field),
      ['lastName', 'phones'],
    );
    assert.equal(plan.after.updatedAt, later);
    assert.equal(plan.after.createdAt, before.createdAt);
  });

  test('a field left out of the body but named in the mask is cleared; lists become empty', () => {
    const plan = planCustomerEdit(before, {}, ['lastName', 'addresses', 'customFields.interests'], editCtx);
    assert.equal(plan.after.lastName, undefined);
    assert.deepEqual(plan.after.addresses, []);
    assert.deepEqual(plan.after.customFields, {});
  });

  test('addresses keep their ids when sent back', () => {
    const address = { ...before.addresses[0], building: '5' };
    const plan = planCustomerEdit(before, { addresses: [address] }, ['addresses'], editCtx);
    assert.deepEqual(
      plan.history.map((h) => h.field),
      [`addresses[${address.id}].building`],
    );
  });

  test('the same values again are no change', () => {
    const plan = planCustomerEdit(
      before,
      toInputJson(before),
      ['firstName', 'phones', 'consent', 'addresses'],
      editCtx,
    );
    assert.equal(plan.noop, true);
    assert.equal(plan.after, before);
  });

  test('consent changes by channel, and cannot be removed', () => {
    const plan = planCustomerEdit(before, { consent: { sms: 'granted' } }, ['consent.sms'], editCtx);
    assert.deepEqual(Object.keys(plan.after.consent).sort(), ['email', 'sms']);
    assert.equal(plan.after.consent.sms?.source, 'manager');
    assert.deepEqual(
      fieldsOf(() => planCustomerEdit(before, {}, ['consent.email'], editCtx)),
      ['consent.email'],
    );
  });

  test('the mask must name editable fields; the site never changes', () => {
    assert.deepEqual(
      fieldsOf(() =>
        planCustomerEdit(
          before,
          { site: 'minsk' },
          ['site', 'metrics', 'phones.0', 'consent.email.at', 'customFields.'],
          editCtx,
        ),
      ),
      ['updateMask[0]', 'updateMask[1]', 'updateMask[2]', 'updateMask[3]', 'updateMask[4]'],
    );
    assert.deepEqual(
      fieldsOf(() => planCustomerEdit(before, {}, [], editCtx)),
      ['updateMask'],
    );
  });
});
