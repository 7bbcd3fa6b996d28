import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { customerProfileInputSchema } from '@openretail/contracts';
import type { CustomerState } from '../profiles/customer-state';
import { PROFILE_LIMITS, droppedNote, mergeProfiles } from './merge-rules';

const at = new Date('2026-01-10T10:00:00Z');
const now = new Date('2026-11-26T12:00:00Z');

function profile(id: string, extra: Partial<CustomerState> = {}): CustomerState {
  return {
    id,
    site: 'pult',
    phones: [],
    emails: [],
    addresses: [],
    tags: [],
    customFields: {},
    consent: {},
    vip: false,
    createdAt: at,
    updatedAt: at,
    ...extra,
  };
}

describe('merge rules (customers/combine)', () => {
  test("single values: the survivor's when set, else the first of the others that has one", () => {
    const survivor = profile('s', { firstName: 'Анна', managerId: 'm-1' });
    const older = profile('o1', { firstName: 'Аня', lastName: 'Иванова', birthday: '1990-03-12' });
    const newer = profile('o2', {
      lastName: 'Петрова',
      patronymic: 'Сергеевна',
      sex: 'female',
      managerId: 'm-2',
    });
    const { after } = mergeProfiles({ survivor, others: [older, newer] }, now);
    assert.equal(after.firstName, 'Анна', 'the survivor wins a conflict');
    assert.equal(after.lastName, 'Иванова', 'the first other in order fills a gap');
    assert.equal(after.patronymic, 'Сергеевна');
    assert.equal(after.birthday, '1990-03-12');
    assert.equal(after.sex, 'female');
    assert.equal(after.managerId, 'm-1');
    assert.equal(after.id, 's');
    assert.deepEqual(after.createdAt, at, 'the survivor keeps its creation time');
    assert.deepEqual(after.updatedAt, now);
  });

  test('externalId moves to a survivor without one, and the outcome names where from', () => {
    const merged = mergeProfiles(
      { survivor: profile('s'), others: [profile('o1'), profile('o2', { externalId: 'crm-9' })] },
      now,
    );
    assert.equal(merged.after.externalId, 'crm-9');
    assert.equal(merged.externalIdFrom, 'o2');
    const kept = mergeProfiles(
      { survivor: profile('s', { externalId: 'crm-1' }), others: [profile('o', { externalId: 'crm-2' })] },
      now,
    );
    assert.equal(kept.after.externalId, 'crm-1');
    assert.equal(kept.externalIdFrom, undefined);
  });

  test('phones: union in order, one number once whatever its format; emails case-insensitively', () => {
    const survivor = profile('s', {
      phones: [{ number: '8 916 123-45-67', e164: '+79161234567' }],
      emails: ['Anna@Example.com'],
    });
    const other = profile('o', {
      phones: [
        { number: '+7 (916) 123 45 67', e164: '+79161234567' },
        { number: '8-903-000-00-01', e164: '+79030000001' },
        { number: '12-34' },
      ],
      emails: ['anna@example.com ', 'anna.work@example.com'],
    });
    const { after } = mergeProfiles({ survivor, others: [other] }, now);
    assert.deepEqual(
      after.phones.map((p) => p.number),
      ['8 916 123-45-67', '8-903-000-00-01', '12-34'],
    );
    assert.deepEqual(after.emails, ['Anna@Example.com', 'anna.work@example.com']);
  });

  test('addresses: union by their text (case, ё, punctuation aside), one main: the survivor’s', () => {
    const survivor = profile('s', {
      addresses: [{ id: 'a1', city: 'Москва', street: 'Тверская', building: '1', main: true }],
    });
    const other = profile('o', {
      addresses: [
        { id: 'a2', city: 'москва', street: 'Тверская.', building: '1', main: true },
        { id: 'a3', text: 'Королёв, ул. Победы, 5', main: true },
        { id: 'a4', text: 'КОРОЛЕВ УЛ ПОБЕДЫ 5' },
      ],
    });
    const { after } = mergeProfiles({ survivor, others: [other] }, now);
    assert.deepEqual(
      after.addresses.map((a) => [a.id, a.main ?? false]),
      [
        ['a1', true],
        ['a3', false],
      ],
    );
  });

  test('without a main address on the survivor, the first main among the others is the one', () => {
    const { after } = mergeProfiles(
      {
        survivor: profile('s', { addresses: [{ id: 'a1', text: 'Тула' }] }),
        others: [profile('o', { addresses: [{ id: 'a2', text: 'Орёл', main: true }] })],
      },
      now,
    );
    assert.deepEqual(
      after.addresses.map((a) => [a.id, a.main ?? false]),
      [
        ['a1', false],
        ['a2', true],
      ],
    );
  });

  test('tags: set union; custom fields: the survivor’s per field, the others’ where it has none', () => {
    const { after } = mergeProfiles(
      {
        survivor: profile('s', { tags: ['vinyl', 'wholesale'], customFields: { interests: 'vinyl' } }),
        others: [
          profile('o1', { tags: ['vinyl', 'b2b'], customFields: { interests: 'headphones', children: 2 } }),
          profile('o2', { tags: ['late'], customFields: { children: 3, 'loyalty-card': 'L-1' } }),
        ],
      },
      now,
    );
    assert.deepEqual(after.tags, ['vinyl', 'wholesale', 'b2b', 'late']);
    assert.deepEqual(after.customFields, { interests: 'vinyl', children: 2, 'loyalty-card': 'L-1' });
  });

  test('consent: per channel the most recent decision of any profile', () => {
    const { after } = mergeProfiles(
      {
        survivor: profile('s', {
          consent: {
            email: { status: 'granted', at: '2025-01-01T00:00:00.000Z', source: 'api' },
            sms: { status: 'granted', at: '2026-05-01T00:00:00.000Z', source: 'api' },
          },
        }),
        others: [
          profile('o', {
            consent: {
              email: { status: 'denied', at: '2026-02-01T00:00:00.000Z', source: 'manager' },
              sms: { status: 'denied', at: '2024-01-01T00:00:00.000Z', source: 'manager' },
              messengers: { status: 'granted', at: '2023-01-01T00:00:00.000Z', source: 'import' },
            },
          }),
        ],
      },
      now,
    );
    assert.deepEqual(after.consent, {
      email: { status: 'denied', at: '2026-02-01T00:00:00.000Z', source: 'manager' },
      sms: { status: 'granted', at: '2026-05-01T00:00:00.000Z', source: 'api' },
      messengers: { status: 'granted', at: '2023-01-01T00:00:00.000Z', source: 'import' },
    });
  });

  test('VIP when any profile was', () => {
    assert.equal(
      mergeProfiles({ survivor: profile('s'), others: [profile('o', { vip: true })] }, now).after.vip,
      true,
    );
    assert.equal(mergeProfiles({ survivor: profile('s'), others: [profile('o')] }, now).after.vip, false);
  });

  test('what exceeds the profile limits is dropped, reported and written in a note', () => {
    const phones = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        number: `+7916000${String(from + i).padStart(4, '0')}`,
        e164: `+7916000${String(from + i).padStart(4, '0')}`,
      }));
    const outcome = mergeProfiles(
      {
        survivor: profile('s', { phones: phones(0, 8), emails: ['a@x.ru'] }),
        others: [profile('o', { phones: phones(8, 4), tags: Array.from({ length: 51 }, (_, i) => `t${i}`) })],
      },
      now,
    );
    assert.equal(outcome.after.phones.length, PROFILE_LIMITS.phones);
    assert.deepEqual(outcome.dropped.phones, ['+79160000010', '+79160000011']);
    assert.deepEqual(outcome.dropped.tags, ['t50']);
    const note = droppedNote(outcome.dropped, ['o']);
    assert.match(note ?? '', /phones: \+79160000010, \+79160000011; tags: t50/);
    assert.equal(droppedNote({ phones: [], emails: [], addresses: [], tags: [] }, ['o']), undefined);
  });

  test('the limits are those of the profile schema: one more is refused', () => {
    const over = (n: number) => Array.from({ length: n }, (_, i) => i);
    const base = { site: 'pult' };
    const ok = (input: object) => customerProfileInputSchema.safeParse({ ...base, ...input }).success;
    assert.ok(
      ok({ phones: over(PROFILE_LIMITS.phones).map((i) => `+7916000${String(i).padStart(4, '0')}`) }),
    );
    assert.ok(
      !ok({ phones: over(PROFILE_LIMITS.phones + 1).map((i) => `+7916000${String(i).padStart(4, '0')}`) }),
    );
    assert.ok(ok({ emails: over(PROFILE_LIMITS.emails).map((i) => `a${i}@x.ru`) }));
    assert.ok(!ok({ emails: over(PROFILE_LIMITS.emails + 1).map((i) => `a${i}@x.ru`) }));
    assert.ok(ok({ addresses: over(PROFILE_LIMITS.addresses).map((i) => ({ text: `дом ${i}` })) }));
    assert.ok(!ok({ addresses: over(PROFILE_LIMITS.addresses + 1).map((i) => ({ text: `дом ${i}` })) }));
    assert.ok(ok({ tags: over(PROFILE_LIMITS.tags).map((i) => `t${i}`) }));
    assert.ok(!ok({ tags: over(PROFILE_LIMITS.tags + 1).map((i) => `t${i}`) }));
  });

  test('the inputs are not changed', () => {
    const survivor = profile('s', { phones: [{ number: '1', e164: '+1' }], tags: ['a'] });
    const other = profile('o', { phones: [{ number: '2', e164: '+2' }], tags: ['b'] });
    const copy = structuredClone([survivor, other]);
    mergeProfiles({ survivor, others: [other] }, now);
    assert.deepEqual([survivor, other], copy);
  });
});
